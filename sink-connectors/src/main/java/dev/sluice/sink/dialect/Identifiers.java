package dev.sluice.sink.dialect;

/** SQL identifier quoting shared by PostgreSQL and DuckDB: every name is double-quoted, so {@code select} or {@code Order Id} work as is. */
public final class Identifiers {
    private Identifiers() {
    }

    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
