package dev.sluice.transforms.runtime;

import dev.sluice.transforms.replicate.ReplicationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the row topic of every change topic that lacks one, with the change topic's partition count
 * (so a row topic scales like its table) and the configured replication factor. Existing row topics are
 * left as they are.
 */
final class OutputTopics {

    private static final Logger LOG = LoggerFactory.getLogger(OutputTopics.class);
    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;
    private final ReplicationSpec spec;
    private final short replicationFactor;

    OutputTopics(Admin admin, ReplicationSpec spec, short replicationFactor) {
        this.admin = admin;
        this.spec = spec;
        this.replicationFactor = replicationFactor;
    }

    /** Creates the missing row topics; returns their names. */
    List<String> createMissing() throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> topics = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<String> inputsWithoutOutput = topics.stream()
                .filter(spec::isInputTopic)
                .filter(input -> !topics.contains(spec.outputTopicFor(input)))
                .sorted()
                .toList();
        if (inputsWithoutOutput.isEmpty()) {
            return List.of();
        }
        Map<String, TopicDescription> inputs = admin.describeTopics(inputsWithoutOutput).allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<NewTopic> outputs = new ArrayList<>();
        for (String input : inputsWithoutOutput) {
            outputs.add(new NewTopic(spec.outputTopicFor(input), inputs.get(input).partitions().size(), replicationFactor));
        }
        CreateTopicsResult result = admin.createTopics(outputs);
        List<String> created = new ArrayList<>();
        for (NewTopic topic : outputs) {
            try {
                result.values().get(topic.name()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                created.add(topic.name());
                LOG.info("Created row topic {} ({} partitions)", topic.name(), topic.numPartitions());
            } catch (ExecutionException e) {
                // another instance of the pipeline (or the broker's auto-create) was first: fine
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        return created;
    }
}
