package dev.sluice.ingest.publish;

import dev.sluice.schemas.kafka.RecordSizeLimit;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.util.StringJoiner;

/**
 * A change too large for Kafka: ingest stops with this sentence, which names the table, the key and the setting
 * to raise. Retrying cannot help (the same change is read again after every restart, and the slot holds its WAL
 * until then), so it is thrown, never retried: the stage fails and the process exits.
 */
public final class OversizedChange extends RuntimeException {

    private static final int MAX_KEY_TEXT = 200;

    private OversizedChange(String sentence) {
        super(sentence, null, false, false);
    }

    /** Refused before it was sent: its serialised key and value exceed the limit. */
    static OversizedChange overLimit(String table, Object key, long bytes, RecordSizeLimit limit) {
        return new OversizedChange("The change to " + table + " with key " + keyText(key) + " is " + bytes
                + " bytes serialised, more than " + RecordSizeLimit.QUALIFIED + " (" + limit.maxRecordBytes()
                + " bytes); raise " + RecordSizeLimit.QUALIFIED + " (" + RecordSizeLimit.ENV + ", --max-record-bytes) "
                + "above it and restart ingest.");
    }

    /** Refused by the broker although within the limit: a topic or broker allows less than the clients do. */
    static OversizedChange refusedByBroker(String table, String topic, Object key, long bytes, RecordSizeLimit limit) {
        return new OversizedChange("Kafka refused the change to " + table + " with key " + keyText(key) + " (" + bytes
                + " bytes serialised) as too large; raise max.message.bytes of topic " + topic + " and the brokers' "
                + "message.max.bytes to at least " + limit.requestBytes() + " (" + RecordSizeLimit.QUALIFIED + " + 1 MiB), "
                + "or lower " + RecordSizeLimit.QUALIFIED + " to what they allow, and restart ingest.");
    }

    /** {@code id=3} or {@code (order_id=7, line=2)}; long keys are cut, so the sentence stays one line. */
    static String keyText(Object key) {
        String text;
        if (key instanceof Struct struct) {
            StringJoiner parts = new StringJoiner(", ");
            for (Field f : struct.schema().fields()) {
                parts.add(f.name() + "=" + struct.get(f));
            }
            text = struct.schema().fields().size() == 1 ? parts.toString() : "(" + parts + ")";
        } else {
            text = String.valueOf(key);
        }
        return text.length() <= MAX_KEY_TEXT ? text : text.substring(0, MAX_KEY_TEXT) + "...";
    }
}
