package dev.sluice.transforms.runtime;

import dev.sluice.transforms.replicate.ReplicationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
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
    private final Predicate<String> isInput;
    private final UnaryOperator<String> outputFor;
    private final short replicationFactor;

    OutputTopics(Admin admin, ReplicationSpec spec, short replicationFactor) {
        this(admin, spec::isInputTopic, spec::outputTopicFor, replicationFactor);
    }

    /** For any pipeline: which topics it reads, and the output topic of each. */
    OutputTopics(Admin admin, Predicate<String> isInput, UnaryOperator<String> outputFor, short replicationFactor) {
        this.admin = admin;
        this.isInput = isInput;
        this.outputFor = outputFor;
        this.replicationFactor = replicationFactor;
    }

    /** Creates the missing row topics; returns their names. */
    List<String> createMissing() throws InterruptedException, ExecutionException, TimeoutException {
        return createMissing(List.of());
    }

    /**
     * Creates the missing row topics and the missing ones of {@code singlePartitionTopics} (the pipeline's
     * DLQ and the like: low volume, read by people, so one partition keeps them in order); returns their names.
     */
    List<String> createMissing(List<String> singlePartitionTopics)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> topics = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<NewTopic> outputs = new ArrayList<>();
        for (String topic : singlePartitionTopics) {
            if (!topics.contains(topic)) {
                outputs.add(new NewTopic(topic, 1, replicationFactor));
            }
        }
        List<String> inputsWithoutOutput = topics.stream()
                .filter(isInput)
                .filter(input -> !topics.contains(outputFor.apply(input)))
                .sorted()
                .toList();
        if (inputsWithoutOutput.isEmpty() && outputs.isEmpty()) {
            return List.of();
        }
        Map<String, TopicDescription> inputs = inputsWithoutOutput.isEmpty() ? Map.of()
                : admin.describeTopics(inputsWithoutOutput).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        for (String input : inputsWithoutOutput) {
            outputs.add(new NewTopic(outputFor.apply(input), inputs.get(input).partitions().size(), replicationFactor));
        }
        // several inputs may share one output (a pipeline merging tables into one topic)
        outputs = outputs.stream().filter(distinctNames()).toList();
        CreateTopicsResult result = admin.createTopics(outputs);
        List<String> created = new ArrayList<>();
        for (NewTopic topic : outputs) {
            try {
                result.values().get(topic.name()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                created.add(topic.name());
                LOG.info("Created topic {} ({} partitions)", topic.name(), topic.numPartitions());
            } catch (ExecutionException e) {
                // another instance of the pipeline (or the broker's auto-create) was first: fine
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        return created;
    }

    private static Predicate<NewTopic> distinctNames() {
        Set<String> seen = new java.util.HashSet<>();
        return topic -> seen.add(topic.name());
    }
}
