package dev.sluice.cli.rebuild;

import static dev.sluice.sink.dialect.Identifiers.quote;

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
     * {@code <table>__previous} (when there is one) and {@code <table><suffix>} becomes {@code <table>}.
     */
    static void promote(Connection c, List<String> tables, String suffix) throws SQLException {
        for (String table : tables) {
            String previous = table + "__" + Shadow.PREVIOUS;
            drop(c, previous);
            if (exists(c, table)) {
                rename(c, table, previous);
            }
            rename(c, table + suffix, table);
        }
    }

    /** Undoes {@link #promote}: {@code <table>} becomes {@code <table><suffix>} again, {@code <table>__previous} {@code <table>}. */
    static void rollback(Connection c, List<String> tables, String suffix) throws SQLException {
        for (String table : tables) {
            String previous = table + "__" + Shadow.PREVIOUS;
            rename(c, table, table + suffix);
            if (exists(c, previous)) {
                rename(c, previous, table);
            }
        }
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
