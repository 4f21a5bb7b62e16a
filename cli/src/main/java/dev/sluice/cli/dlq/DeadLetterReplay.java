package dev.sluice.cli.dlq;

import dev.sluice.cli.resend.ExactlyOnceResend;
import dev.sluice.schemas.kafka.RecordSizeLimit;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

/**
 * Sends the records of a dead-letter topic back to the topics they came from, each to its own partition with its
 * own key, value, timestamp and headers (the error headers left out, {@link DeadLetter#REPLAYED_FROM} added).
 * Exactly once ({@link ExactlyOnceResend}, position in consumer group {@link #group}): a replay that is interrupted
 * or run again sends each dead letter once. Downstream the version guard makes a replayed row harmless when a newer
 * one has landed since.
 */
final class DeadLetterReplay {

    /** What a replay did: records sent back, and records skipped because no header names their source. */
    record Result(long replayed, long skipped) {
    }

    private final ExactlyOnceResend resend;

    /** @param kafka Kafka client settings, bootstrap.servers included */
    DeadLetterReplay(Map<String, String> kafka) {
        this(kafka, RecordSizeLimit.DEFAULT);
    }

    DeadLetterReplay(Map<String, String> kafka, RecordSizeLimit limit) {
        this.resend = new ExactlyOnceResend(kafka, limit);
    }

    /** The consumer group holding how far {@code topic} has been replayed. */
    static String group(String topic) {
        return "sluice-dlq-replay-" + topic;
    }

    /** Replays what {@code topic} holds beyond the group's position, up to its end as of the call. */
    Result replay(String topic, Consumer<DeadLetter> replayed) {
        ExactlyOnceResend.Result result = resend.resend(topic, group(topic), "sluice dlq list shows the dead-letter topics.",
                record -> {
                    DeadLetter letter = DeadLetter.of(record);
                    if (!letter.replayable()) {
                        return Optional.empty();
                    }
                    replayed.accept(letter);
                    return Optional.of(sendBack(letter));
                });
        return new Result(result.sent(), result.skipped());
    }

    private static ProducerRecord<byte[], byte[]> sendBack(DeadLetter letter) {
        ConsumerRecord<byte[], byte[]> record = letter.record();
        Headers headers = letter.originalHeaders();
        headers.add(DeadLetter.REPLAYED_FROM, letter.position().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(letter.sourceTopic(), letter.sourcePartition() >= 0 ? letter.sourcePartition() : null,
                record.timestamp() >= 0 ? record.timestamp() : null, record.key(), record.value(), headers);
    }
}
