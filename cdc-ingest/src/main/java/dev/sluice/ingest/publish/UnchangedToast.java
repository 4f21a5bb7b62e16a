package dev.sluice.ingest.publish;

import dev.sluice.schemas.toast.UnavailableValue;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Whether a streamed update left a TOASTed column out: Debezium then sends {@link UnavailableValue#PLACEHOLDER} (its
 * UTF-8 bytes for {@code bytea}, an array holding it for an array column) instead of the value it did not get.
 */
final class UnchangedToast {

    private UnchangedToast() {
    }

    static boolean leavesOut(SourceRecord record) {
        if (!(record.value() instanceof Struct envelope) || envelope.schema().field("op") == null
                || !"u".equals(envelope.get("op")) || envelope.schema().field("after") == null
                || !(envelope.get("after") instanceof Struct after)) {
            return false;
        }
        for (Field field : after.schema().fields()) {
            if (UnavailableValue.isPlaceholder(after.get(field))) {
                return true;
            }
        }
        return false;
    }
}
