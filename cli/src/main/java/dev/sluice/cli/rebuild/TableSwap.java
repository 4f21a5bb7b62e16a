package dev.sluice.cli.rebuild;

import static dev.sluice.sink.dialect.Identifiers.quote;

import dev.sluice.sink.history.HistoryTable;
import dev.sluice.sink.table.TableClaims;
import dev.sluice.sink.write.FrontierStore;
import dev.sluice.sink.write.OffsetStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The renames of a promotion and a rollback, to run inside ONE transaction ({@link WarehouseSession#inTransaction}):
 * readers see the old tables or the new ones, never a missing one. A table's rows in {@code _sluice_progress} and
 * {@code _sluice_frontier} move with it, so freshness and completeness read on {@code <table>} are those of the rows
 * it now holds, and so does its claim in {@code _sluice_tables} (which topic fills it). Both warehouses allow this: PostgreSQL's DDL is transactional (a reader waiting on the rename's lock
 * looks the name up again and reads the new table), and DuckDB (1.5) renames tables with a primary key inside a
 * transaction and lets a primary-key value freed by an UPDATE be taken again in the same transaction.
 */
final class TableSwap {

    private static final List<String> CONTROL_TABLES = List.of(OffsetStore.PROGRESS_TABLE, FrontierStore.FRONTIER_TABLE);

    private TableSwap() {
    }

    /**
     * For each live table: an older {@code <table>__previous} is dropped, {@code <table>} becomes
     * {@code <table>__previous} (when there is one) and {@code <table><suffix>} becomes {@code <table>}. Their history
     * tables ({@code <table>_history}) go along the same way, so a table and its history always describe one version.
     */
    static void promote(Connection c, List<String> tables, String suffix) throws SQLException {
        for (String table : tables) {
            String previous = table + "__" + Shadow.PREVIOUS;
            for (String s : List.of("", HistoryTable.SUFFIX)) {
                drop(c, previous + s);
                if (exists(c, table + s)) {
                    rename(c, table + s, previous + s);
                }
                if (s.isEmpty() || exists(c, table + suffix + s)) {
                    rename(c, table + suffix + s, table + s);
                }
            }
        }
    }

    /** Undoes {@link #promote}: {@code <table>} becomes {@code <table><suffix>} again, {@code <table>__previous} {@code <table>}. */
    static void rollback(Connection c, List<String> tables, String suffix) throws SQLException {
        for (String table : tables) {
            String previous = table + "__" + Shadow.PREVIOUS;
            for (String s : List.of("", HistoryTable.SUFFIX)) {
                if (s.isEmpty() || exists(c, table + s)) {
                    rename(c, table + s, table + suffix + s);
                }
                if (exists(c, previous + s)) {
                    rename(c, previous + s, table + s);
                }
            }
        }
    }

    /**
     * The warehouse tables that keep a history ({@code <table>_history} beside {@code <table>}), live ones only (not a
     * shadow's or a previous version's): a rebuild keeps the history of its own version of each.
     */
    static List<String> withHistory(Connection c) throws SQLException {
        List<String> tables = new java.util.ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT table_name FROM"
                + " information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name")) {
            while (rs.next()) {
                String name = rs.getString(1);
                if (name.endsWith(HistoryTable.SUFFIX)) {
                    String table = name.substring(0, name.length() - HistoryTable.SUFFIX.length());
                    if (!table.contains("__") && !table.startsWith(TableClaims.RESERVED_PREFIX) && exists(c, table)) {
                        tables.add(table);
                    }
                }
            }
        }
        return tables;
    }

    /** Renames {@code from} to {@code to} and moves its control rows along. */
    static void rename(Connection c, String from, String to) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("ALTER TABLE " + quote(from) + " RENAME TO " + quote(to));
        }
        moveClaim(c, from, to);
        for (String control : CONTROL_TABLES) {
            if (exists(c, control)) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + quote(control) + " SET " + quote("table_name")
                        + " = ? WHERE " + quote("table_name") + " = ?")) {
                    ps.setString(1, to);
                    ps.setString(2, from);
                    ps.executeUpdate();
                }
            }
        }
    }

    /** The sink's table claims move with their table, so the rebuild's topic still owns the table it now fills. */
    private static void moveClaim(Connection c, String from, String to) throws SQLException {
        if (exists(c, TableClaims.CLAIMS_TABLE)) {
            TableClaims.rename(c, foldsNameCase(c), from, to);
        }
    }

    /** DuckDB matches quoted names case-insensitively, and its claims are keyed so. */
    private static boolean foldsNameCase(Connection c) throws SQLException {
        return c.getMetaData().getURL().startsWith("jdbc:duckdb:");
    }

    /** Drops {@code table} (if it exists) and its control rows. */
    static void drop(Connection c, String table) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + quote(table));
        }
        if (exists(c, TableClaims.CLAIMS_TABLE)) {
            TableClaims.release(c, foldsNameCase(c), table);
        }
        for (String control : CONTROL_TABLES) {
            if (exists(c, control)) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + quote(control) + " WHERE "
                        + quote("table_name") + " = ?")) {
                    ps.setString(1, table);
                    ps.executeUpdate();
                }
            }
        }
    }

    /** Whether a table of that name exists in the connection's current schema. */
    static boolean exists(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM information_schema.tables WHERE table_name = ?"
                + " AND table_schema = current_schema()")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        }
    }
}
