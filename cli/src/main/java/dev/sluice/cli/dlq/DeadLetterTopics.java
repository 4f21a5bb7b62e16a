package dev.sluice.cli.dlq;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/**
 * The dead-letter topics of a cluster and how many records each holds: the sink's ({@code sluice-sink.dlq}) and the
 * transforms' ({@code <pipeline>.dlq}). Counted by reading them (read_committed): the transforms write theirs in
 * Kafka transactions, whose markers take offsets, so offsets alone would overcount. Dead-letter topics are small.
 */
final class DeadLetterTopics {
    static final String TRANSFORMS_SUFFIX = ".dlq";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private DeadLetterTopics() {
    }

    static boolean isDeadLetterTopic(String topic) {
        return topic.endsWith(TRANSFORMS_SUFFIX);
    }

    /** Dead-letter topic name to its record count, by name. */
    static Map<String, Long> counts(Admin admin, DeadLetterReader reader) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        for (String topic : get(admin.listTopics().names())) {
            if (isDeadLetterTopic(topic)) {
                long[] n = {0};
                reader.read(topic, letter -> n[0]++);
                counts.put(topic, n[0]);
            }
        }
        return counts;
    }

    private static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws Exception {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT.toSeconds()
                    + " s; check --bootstrap-servers and that the brokers run.", e);
        }
    }
}
