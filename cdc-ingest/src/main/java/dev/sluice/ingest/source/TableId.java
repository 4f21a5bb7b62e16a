package dev.sluice.ingest.source;

import java.util.Objects;

/**
 * A PostgreSQL table named by schema and table, exactly as stored in the catalog (no case folding,
 * no quotes). Parsed from {@code schema.table}; a bare {@code table} means {@code public.table}.
 */
public record TableId(String schema, String table) implements Comparable<TableId> {

    public TableId {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        if (schema.isBlank() || table.isBlank()) {
            throw new IllegalArgumentException("A table needs a schema and a name, got '" + schema + "." + table + "'.");
        }
    }

    /** Parses {@code schema.table} (split at the first dot) or a bare {@code table} in schema public. */
    public static TableId parse(String qualifiedName) {
        String name = Objects.requireNonNull(qualifiedName, "qualifiedName").trim();
        int dot = name.indexOf('.');
        if (dot < 0) {
            return new TableId("public", name);
        }
        if (dot == 0 || dot == name.length() - 1) {
            throw new IllegalArgumentException("'" + qualifiedName + "' is not a table name; write it as schema.table, e.g. public.orders.");
        }
        return new TableId(name.substring(0, dot), name.substring(dot + 1));
    }

    /**
     * This table as one entry of Debezium's {@code table.include.list}, a comma-separated list of regular
     * expressions matched against {@code schema.table}. Every character of the names outside {@code [a-zA-Z0-9_]}
     * is written as a hex escape ({@code \x2e}, {@code \x{e9}}), so the pattern matches this table only (a dot,
     * a {@code $} or a {@code +} in a name means itself) and holds no comma or blank that the list's own splitting
     * and trimming would cut at. ({@code Pattern.quote} would leave a comma in the name unescaped.)
     */
    public String includeListPattern() {
        return escape(schema) + "\\." + escape(table);
    }

    private static String escape(String identifier) {
        StringBuilder out = new StringBuilder(identifier.length() + 8);
        identifier.codePoints().forEach(c -> {
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
                out.appendCodePoint(c);
            } else if (c < 0x80) {
                out.append(String.format("\\x%02x", c));
            } else {
                out.append("\\x{").append(Integer.toHexString(c)).append('}');
            }
        });
        return out.toString();
    }

    @Override
    public int compareTo(TableId other) {
        int bySchema = schema.compareTo(other.schema);
        return bySchema != 0 ? bySchema : table.compareTo(other.table);
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}
