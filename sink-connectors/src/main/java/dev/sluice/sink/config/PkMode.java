package dev.sluice.sink.config;

import java.util.Locale;

/** Where the target table's primary key comes from ({@code pk.mode}, the JDBC sinks' name). */
public enum PkMode {
    /** The record key's fields, or those of them named in {@code pk.fields}. */
    RECORD_KEY,
    /** The value fields named in {@code pk.fields}. */
    RECORD_VALUE,
    /** No key: every record is appended (needs {@code insert.mode=insert}; soft deletes append a row flagged deleted). */
    NONE;

    public static PkMode parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
