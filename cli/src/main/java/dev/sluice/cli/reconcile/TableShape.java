package dev.sluice.cli.reconcile;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The columns (with their source types) and primary key of one source table, read from the catalog. */
record TableShape(String schema, String table, List<String> columns, List<String> sourceTypes, List<String> keyColumns) {

    static TableShape read(Connection source, String qualifiedName) throws SQLException {
        String[] parts = qualifiedName.contains(".") ? qualifiedName.split("\\.", 2) : new String[] {"public", qualifiedName};
        List<String> columns = new ArrayList<>();
        List<String> types = new ArrayList<>();
        try (PreparedStatement ps = source.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod)
                FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""")) {
            ps.setString(1, parts[0]);
            ps.setString(2, parts[1]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                    types.add(rs.getString(2));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + qualifiedName + " does not exist in the source; check --tables.");
        }
        List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = source.prepareStatement("""
                SELECT a.attname FROM pg_index i
                JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, pos) ON true
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
                WHERE i.indisprimary AND n.nspname = ? AND c.relname = ? ORDER BY k.pos""")) {
            ps.setString(1, parts[0]);
            ps.setString(2, parts[1]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("table " + qualifiedName + " has no primary key, so its rows cannot be matched; leave it out of --tables.");
        }
        return new TableShape(parts[0], parts[1], columns, types, keys);
    }

    String selectList() {
        return String.join(", ", columns.stream().map(TableShape::quote).toList());
    }

    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
