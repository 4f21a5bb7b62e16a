package dev.sluice.schemas.toast;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The value cdc-ingest has Debezium send for a TOASTed column that a change did not touch (Debezium's
 * {@code unavailable.value.placeholder}), and that the warehouse sink recognises so that it keeps the stored value.
 * It holds NUL characters, which PostgreSQL {@code text}, {@code varchar}, {@code json} and {@code xml} cannot hold,
 * so no user value equals it: Debezium's default {@code __debezium_unavailable_value} is an ordinary string a user
 * can store, and the sink would have taken it for an unchanged column and not written it. For {@code bytea} Debezium
 * sends the placeholder's UTF-8 bytes; a {@code bytea} value with exactly those 21 bytes is the one value left out.
 */
public final class UnavailableValue {
    public static final String PLACEHOLDER = "\u0000sluice-unavailable\u0000";

    private static final byte[] PLACEHOLDER_BYTES = PLACEHOLDER.getBytes(StandardCharsets.UTF_8);

    private UnavailableValue() {
    }

    /**
     * True when a Connect value is the placeholder: the text (text, json, xml columns), its bytes ({@code bytea}, as
     * an array or a buffer), or, for an array column, a list holding it.
     */
    public static boolean isPlaceholder(Object value) {
        if (value instanceof String s) {
            return s.equals(PLACEHOLDER);
        }
        if (value instanceof byte[] bytes) {
            return Arrays.equals(bytes, PLACEHOLDER_BYTES);
        }
        if (value instanceof ByteBuffer buffer) {
            return buffer.remaining() == PLACEHOLDER_BYTES.length && buffer.duplicate().equals(ByteBuffer.wrap(PLACEHOLDER_BYTES));
        }
        if (value instanceof List<?> list) {
            return list.stream().anyMatch(UnavailableValue::isPlaceholder);
        }
        return false;
    }
}
