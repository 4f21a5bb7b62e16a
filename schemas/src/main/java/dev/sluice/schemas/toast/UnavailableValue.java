package dev.sluice.schemas.toast;

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

    private UnavailableValue() {
    }
}
