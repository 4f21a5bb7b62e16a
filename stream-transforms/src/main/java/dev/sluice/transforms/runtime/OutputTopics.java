package dev.sluice.transforms.runtime;

import dev.sluice.schemas.kafka.RecordSizeLimit;
import dev.sluice.schemas.kafka.TopicSizeLimits;
import dev.sluice.transforms.replicate.ReplicationSpec;
import java.time.Duration;
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
 * (so a row topic scales like its table) and the configured replication factor; every topic it creates takes
 * records of the {@link RecordSizeLimit}. Of existing topics only a too small {@code max.message.bytes} is changed
 * ({@link #raiseLimits}).
 */
final class OutputTopics {

    private static final Logger LOG = LoggerFactory.getLogger(OutputTopics.class);
    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;
    private final Predicate<String> isInput;
    private final UnaryOperator<String> outputFor;
    private final short replicationFactor;
    private final RecordSizeLimit limit;

    OutputTopics(Admin admin, ReplicationSpec spec, short replicationFactor, RecordSizeLimit limit) {
        this(admin, spec::isInputTopic, spec::outputTopicFor, replicationFactor, limit);
    }

    /** For any pipeline: which topics it reads, and the output topic of each. */
    OutputTopics(Admin admin, Predicate<String> isInput, UnaryOperator<String> outputFor, short replicationFactor,
                 RecordSizeLimit limit) {
        this.admin = admin;
        this.isInput = isInput;
        this.outputFor = outputFor;
        this.replicationFactor = replicationFactor;
        this.limit = limit;
    }

    /**
     * Raises {@code max.message.bytes} of the existing output topics of existing inputs, and of the existing
     * {@code singlePartitionTopics}, to the limit: once at start, after {@code kafka.max.record.bytes} was raised.
     */
    void raiseLimits(List<String> singlePartitionTopics) throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> topics = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Set<String> outputs = new java.util.TreeSet<>();
        topics.stream().filter(isInput).map(outputFor).filter(topics::contains).forEach(outputs::add);
        singlePartitionTopics.stream().filter(topics::contains).forEach(outputs::add);
        TopicSizeLimits.raise(admin, outputs, limit, Duration.ofSeconds(TIMEOUT_SECONDS));
    }

    /**
     * Creates {@code topic} when missing with as many partitions as the pipeline's widest input (at least one): a
     * requeued record goes back to the partition of the task that diverted it ({@code Requeue}).
     */
    void createLikeInputs(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> topics = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (topics.contains(topic)) {
            return;
        }
        List<String> inputs = topics.stream().filter(isInput).toList();
        int partitions = inputs.isEmpty() ? 1 : admin.describeTopics(inputs).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .values().stream().mapToInt(d -> d.partitions().size()).max().orElse(1);
        try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor).configs(limit.topic())))
                    .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("Created topic {} ({} partitions)", topic, partitions);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                throw e;
            }
        }
        awaitLeaders(topic);
    }

    /**
     * Returns once every partition of {@code topic} has a leader in the broker's metadata. The pipeline reads the
     * topic: a creation the controller has committed but the broker not yet applied makes the Streams assignor find
     * a source topic missing, which stops the application (seen on a loaded machine, MissingSourceTopicException).
     */
    private void awaitLeaders(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            try {
                TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                        .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
                if (d != null && d.partitions().stream().allMatch(p -> p.leader() != null)) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topic " + topic + " has no leader for every partition " + TIMEOUT_SECONDS
                        + " s after its creation");
            }
            Thread.sleep(50);
        }
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
                outputs.add(new NewTopic(topic, 1, replicationFactor).configs(limit.topic()));
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
            outputs.add(new NewTopic(outputFor.apply(input), inputs.get(input).partitions().size(), replicationFactor)
                    .configs(limit.topic()));
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
