package dev.sluice.sink.table;

import static dev.sluice.sink.dialect.Identifiers.quote;

import dev.sluice.sink.config.TableNameFormat;
import dev.sluice.sink.dialect.WarehouseConnection;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/**
 * Which topic each warehouse table belongs to: {@code _sluice_tables} (table -> topic), so that two topics that
 * {@code table.name.format} maps to one table (e.g. {@code public.users} and {@code audit.users} under the default
 * {@code ${table}}) never mix their rows. The first topic to reach a table claims it, for good; a later topic that
 * maps to it is refused with a sentence naming both source tables and the setting to change, and its records go to
 * the dead-letter topic. Also refused: names starting with {@code _sluice_} (the sink's own tables) and names
 * longer than the warehouse keeps (PostgreSQL cuts a name at 63 bytes, which would make two tables one).
 *
 * <p>DuckDB matches names case-insensitively even when quoted, so there {@code Users} and {@code users} are one
 * table and claims compare names case-insensitively.
 */
public final class TableClaims {
    public static final String CLAIMS_TABLE = "_sluice_tables";
    /** Names of the sink's own tables start with this; no replicated table may. */
    public static final String RESERVED_PREFIX = "_sluice_";
    private static final String CLAIMS = quote(CLAIMS_TABLE);

    private final boolean caseInsensitive;
    private final int maxNameBytes;

    /**
     * @param caseInsensitive whether the warehouse matches quoted names case-insensitively (DuckDB)
     * @param maxNameBytes    the longest table name the warehouse keeps whole, in UTF-8 bytes
     */
    public TableClaims(boolean caseInsensitive, int maxNameBytes) {
        this.caseInsensitive = caseInsensitive;
        this.maxNameBytes = maxNameBytes;
    }

    public void createTable(WarehouseConnection connection) throws SQLException {
        try (Statement s = connection.jdbc().createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + CLAIMS + " (" + quote("table_key") + " VARCHAR NOT NULL PRIMARY KEY, "
                    + quote("table_name") + " VARCHAR NOT NULL, " + quote("topic") + " VARCHAR NOT NULL, "
                    + quote("claimed_at") + " TIMESTAMPTZ)");
        }
    }

    /** Why records of {@code topic} may not go to {@code table} by their name alone, or null when they may. */
    public String nameProblem(String topic, String table) {
        if (table.toLowerCase(Locale.ROOT).startsWith(RESERVED_PREFIX)) {
            return sentence(topic) + " maps to warehouse table " + table + ", but names starting with " + RESERVED_PREFIX
                    + " are reserved for Sluice's own tables; set the sink's table.name.format (--table-name-format),"
                    + " e.g. to ${schema}_${table}, or rename the source table.";
        }
        if (table.getBytes(StandardCharsets.UTF_8).length > maxNameBytes) {
            return sentence(topic) + " maps to warehouse table " + table + ", which is longer than the "
                    + maxNameBytes + " bytes the warehouse keeps of a name; set a shorter table.name.format"
                    + " (--table-name-format) or rename the source table.";
        }
        return null;
    }

    /**
     * Claims {@code table} for {@code topic} unless another topic holds it (one statement, so two tasks racing for
     * it agree). Returns null when {@code topic} holds it, else the sentence to dead-letter its records with.
     * Runs in its own transaction: call with no write under way on this connection.
     */
    public String claim(WarehouseConnection connection, String topic, String table) throws SQLException {
        String problem = nameProblem(topic, table);
        if (problem != null) {
            return problem;
        }
        String key = key(caseInsensitive, table);
        connection.writeLock().lock();
        try {
            try (PreparedStatement insert = connection.jdbc().prepareStatement("INSERT INTO " + CLAIMS + " ("
                    + quote("table_key") + ", " + quote("table_name") + ", " + quote("topic") + ", " + quote("claimed_at")
                    + ") VALUES (?, ?, ?, CURRENT_TIMESTAMP) ON CONFLICT (" + quote("table_key") + ") DO NOTHING")) {
                insert.setString(1, key);
                insert.setString(2, table);
                insert.setString(3, topic);
                insert.executeUpdate();
            }
            String holder;
            String heldName;
            try (PreparedStatement select = connection.jdbc().prepareStatement("SELECT " + quote("topic") + ", "
                    + quote("table_name") + " FROM " + CLAIMS + " WHERE " + quote("table_key") + " = ?")) {
                select.setString(1, key);
                try (ResultSet rs = select.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("the claim of table " + table + " in " + CLAIMS_TABLE + " vanished");
                    }
                    holder = rs.getString(1);
                    heldName = rs.getString(2);
                }
            }
            if (holder.equals(topic)) {
                return null;
            }
            return sentence(topic) + " maps to warehouse table " + table + ", which already holds the rows of "
                    + describe(holder) + (heldName.equals(table) ? "" : " (as " + heldName + ")")
                    + ", so its records go to the dead-letter topic instead of mixing with them; set the sink's"
                    + " table.name.format (--table-name-format) to ${schema}_${table} so each source table gets its own.";
        } finally {
            connection.writeLock().unlock();
        }
    }

    /**
     * Moves the claim on {@code from} to {@code to}, in the caller's transaction: a renamed table keeps the topic whose
     * rows it holds (a rebuild's promotion swaps tables). Does nothing where nobody claimed {@code from}.
     */
    public static void rename(Connection c, boolean caseInsensitive, String from, String to) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE " + CLAIMS + " SET " + quote("table_key") + " = ?, "
                + quote("table_name") + " = ? WHERE " + quote("table_key") + " = ?")) {
            update.setString(1, key(caseInsensitive, to));
            update.setString(2, to);
            update.setString(3, key(caseInsensitive, from));
            update.executeUpdate();
        }
    }

    /** Forgets the claim on a dropped table, in the caller's transaction. */
    public static void release(Connection c, boolean caseInsensitive, String table) throws SQLException {
        try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + CLAIMS + " WHERE " + quote("table_key") + " = ?")) {
            delete.setString(1, key(caseInsensitive, table));
            delete.executeUpdate();
        }
    }

    private static String key(boolean caseInsensitive, String table) {
        return caseInsensitive ? table.toLowerCase(Locale.ROOT) : table;
    }

    private static String sentence(String topic) {
        return "T" + describe(topic).substring(1);
    }

    private static String describe(String topic) {
        String source = TableNameFormat.sourceTableOf(topic);
        return source.equals(topic) ? "topic " + topic : "topic " + topic + " (source table " + source + ")";
    }
}
