package dev.sluice.ingest.publish;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The source commit time of a change: {@code value.source.ts_ms} of Debezium's envelope. It
 * becomes the Kafka record timestamp, so downstream stream time is event time.
 */
public final class SourceCommitTime {

    private SourceCommitTime() {
    }

    /** The commit time in epoch millis, or the record's own timestamp (then now) if the value has none. */
    public static long of(SourceRecord record) {
        Long commit = fromEnvelope(record.value());
        if (commit != null) {
            return commit;
        }
        return record.timestamp() != null ? record.timestamp() : System.currentTimeMillis();
    }

    private static Long fromEnvelope(Object value) {
        if (!(value instanceof Struct envelope)) {
            return null;
        }
        Field source = envelope.schema().field("source");
        if (source == null || source.schema().type() != Schema.Type.STRUCT) {
            return null;
        }
        Struct info = envelope.getStruct("source");
        if (info == null || info.schema().field("ts_ms") == null) {
            return null;
        }
        Object ts = info.get("ts_ms");
        return ts instanceof Number n ? n.longValue() : null;
    }
}
