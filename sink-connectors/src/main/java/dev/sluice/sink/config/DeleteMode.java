package dev.sluice.sink.config;

import java.util.Locale;

/** What the sink does with a row whose {@code __deleted} flag is true. */
public enum DeleteMode {
    /** Keep the row, set {@code __deleted = true} and the new version: a replayed older insert cannot resurrect it. */
    SOFT,
    /** Delete the row when the delete is newer than the stored version. */
    HARD,
    /** Ignore deletes. */
    NONE;

    public static DeleteMode parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
