package dev.sluice.ingest.publish;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Changes ingest cannot publish although the source holds them, sent instead to {@code <prefix>-ingest.dlq} in the
 * same Kafka transaction, with the headers every Sluice dead letter has ({@code docs/dead-letters.md}). Today that
 * is a row holding NaN in a {@code numeric(p,s)} column. Its value is left empty (the change cannot be encoded) and
 * it names no source topic, so {@code sluice dlq replay} skips it: the fix is at the source, then a backfill.
 */
public final class IngestDeadLetters {

    static final String REASON = "sluice.errors.reason";
    static final String STAGE = "sluice.errors.stage";
    static final String TABLE = "sluice.errors.table";
    static final String KEY = "sluice.errors.key";

    private IngestDeadLetters() {
    }

    /** {@code sluice-ingest.dlq} for the default prefix; not {@code <prefix>.dlq}, which would look like a change topic. */
    public static String topic(String topicPrefix) {
        return topicPrefix + "-ingest.dlq";
    }

    static String nanReason(String table, Object key, List<String> columns) {
        return "The change to " + table + " with key " + OversizedChange.keyText(key) + " holds NaN in numeric(p,s) "
                + (columns.size() == 1 ? "column " : "columns ") + String.join(", ", columns) + ", which Kafka Connect's "
                + "Decimal cannot carry; it is not replicated: declare the column numeric without precision (which "
                + "carries NaN), then run sluice backfill --table " + table + ".";
    }

    static ProducerRecord<byte[], byte[]> letter(String topic, long timestamp, byte[] key, String table, Object keyValue,
                                                 String reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(STAGE, "ingest".getBytes(StandardCharsets.UTF_8));
        headers.add(TABLE, table.getBytes(StandardCharsets.UTF_8));
        headers.add(KEY, OversizedChange.keyText(keyValue).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, 0, timestamp, key, null, headers);
    }
}
