package dev.sluice.ingest.publish;

import dev.sluice.schemas.toast.UnavailableValue;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Whether a streamed update left a TOASTed column out: Debezium then sends {@link UnavailableValue#PLACEHOLDER} (its
 * UTF-8 bytes for {@code bytea}, an array holding it for an array column) instead of the value it did not get.
 */
final class UnchangedToast {

    private static final byte[] PLACEHOLDER_BYTES = UnavailableValue.PLACEHOLDER.getBytes(StandardCharsets.UTF_8);

    private UnchangedToast() {
    }

    static boolean leavesOut(SourceRecord record) {
        if (!(record.value() instanceof Struct envelope) || envelope.schema().field("op") == null
                || !"u".equals(envelope.get("op")) || envelope.schema().field("after") == null
                || !(envelope.get("after") instanceof Struct after)) {
            return false;
        }
        for (Field field : after.schema().fields()) {
            if (isPlaceholder(after.get(field))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isPlaceholder(Object value) {
        if (value instanceof String s) {
            return s.equals(UnavailableValue.PLACEHOLDER);
        }
        if (value instanceof byte[] bytes) {
            return Arrays.equals(bytes, PLACEHOLDER_BYTES);
        }
        if (value instanceof ByteBuffer buffer) {
            return buffer.remaining() == PLACEHOLDER_BYTES.length && buffer.duplicate().equals(ByteBuffer.wrap(PLACEHOLDER_BYTES));
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(UnchangedToast::isPlaceholder);
        }
        return false;
    }
}
