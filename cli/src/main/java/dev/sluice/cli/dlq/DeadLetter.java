package dev.sluice.cli.dlq;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One record of a dead-letter topic, read through the headers each stage writes: Sluice's {@code sluice.errors.*}
 * (the sink; the stage in the transforms), Connect's {@code __connect.errors.*} (a record Connect's converter could
 * not read) and Kafka Streams' {@code __streams.errors.*} (the transforms). Sluice's win where both are present.
 *
 * @param sourceTopic     the topic the record was read from, null when no header says it (then it cannot be replayed)
 * @param sourcePartition its partition there, -1 when unknown
 * @param sourceOffset    its offset there, -1 when unknown
 */
public record DeadLetter(ConsumerRecord<byte[], byte[]> record, String stage, String reason, String sourceTopic,
                         int sourcePartition, long sourceOffset) {

    static final String SLUICE = "sluice.errors.";
    static final String CONNECT = "__connect.errors.";
    static final String STREAMS = "__streams.errors.";
    /** Added to a replayed record: the dead letter it came from, as {@code <topic>-<partition>@<offset>}. */
    static final String REPLAYED_FROM = "sluice.replayed.from";

    public static DeadLetter of(ConsumerRecord<byte[], byte[]> record) {
        Headers h = record.headers();
        String stage = first(h, SLUICE + "stage", CONNECT + "stage");
        String connectStage = text(h, CONNECT + "stage");
        if (stage != null && stage.equals(connectStage)) {
            stage = "connect." + stage.toLowerCase(java.util.Locale.ROOT); // e.g. connect.value_converter
        }
        String reason = first(h, SLUICE + "reason", CONNECT + "exception.message", STREAMS + "message");
        if (reason == null) {
            reason = first(h, CONNECT + "exception.class.name", STREAMS + "exception");
        }
        String topic = first(h, SLUICE + "topic", CONNECT + "topic", STREAMS + "topic");
        String partition = first(h, SLUICE + "partition", CONNECT + "partition", STREAMS + "partition");
        String offset = first(h, SLUICE + "offset", CONNECT + "offset", STREAMS + "offset");
        return new DeadLetter(record, stage == null ? "unknown" : stage, reason == null ? "unknown" : reason, topic,
                (int) number(partition), number(offset));
    }

    /** A coordinate header's decimal text, -1 when absent or not a number. */
    private static long number(String text) {
        try {
            return text == null ? -1 : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Whether the header says where the record came from, so it can be sent back. */
    public boolean replayable() {
        return sourceTopic != null && !sourceTopic.isBlank();
    }

    /** The record's own headers, without the error headers the dead-letter stage added. */
    public Headers originalHeaders() {
        RecordHeaders kept = new RecordHeaders();
        for (Header header : record.headers()) {
            String key = header.key();
            if (!key.startsWith(SLUICE) && !key.startsWith(CONNECT) && !key.startsWith(STREAMS) && !key.equals(REPLAYED_FROM)) {
                kept.add(header);
            }
        }
        return kept;
    }

    /** Where this dead letter sits: {@code <dlq topic>-<partition>@<offset>}. */
    public String position() {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    /** Where the record came from: {@code <topic>-<partition>@<offset>}, or "unknown". */
    public String source() {
        return replayable() ? sourceTopic + "-" + sourcePartition + "@" + sourceOffset : "unknown";
    }

    private static String first(Headers headers, String... keys) {
        for (String key : keys) {
            String value = text(headers, key);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    private static String text(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
