package dev.sluice.sink.config;

import java.util.Locale;

/** How a live row is written ({@code insert.mode}, the JDBC sinks' name). */
public enum InsertMode {
    /** Insert a new key, update a stored row when the incoming {@code __version} is newer. */
    UPSERT,
    /** Insert a new key and never change a stored row; without a key ({@code pk.mode=none}) append every record. */
    INSERT;

    public static InsertMode parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
