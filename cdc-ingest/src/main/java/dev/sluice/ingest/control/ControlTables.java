package dev.sluice.ingest.control;

import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.source.SourceSetupException;
import dev.sluice.ingest.source.TableId;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

/**
 * Sluice's two small tables in the source, named after the slot so that two ingest services on one
 * database never see each other's: {@code <slot>_signal} (Debezium's signal table: a backfill is
 * requested by inserting a row, and incremental snapshots write their watermarks into it) and
 * {@code <slot>_heartbeat} (one row the heartbeat action query updates, so the slot advances even
 * while the captured tables are idle). Both are captured (they are in the publication) but their
 * changes are never published.
 *
 * <p>Creating them needs {@code CREATE} on the control schema (then the ingest user owns them, which
 * adding them to the publication requires); requesting a backfill needs {@code INSERT} on the
 * signal table only.
 */
public final class ControlTables {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TableId signal;
    private final TableId heartbeat;

    public ControlTables(String schema, String slotName) {
        this.signal = new TableId(schema, slotName + "_signal");
        this.heartbeat = new TableId(schema, slotName + "_heartbeat");
    }

    public static ControlTables of(IngestSettings settings) {
        return new ControlTables(settings.controlSchema(), settings.slotName());
    }

    public TableId signal() {
        return signal;
    }

    public TableId heartbeat() {
        return heartbeat;
    }

    public List<TableId> both() {
        return List.of(signal, heartbeat);
    }

    public boolean isControlTable(TableId table) {
        return signal.equals(table) || heartbeat.equals(table);
    }

    /**
     * Creates both tables when missing; the layout of the signal table is the one Debezium expects. Refuses them, before
     * anything is written, when another role owns one: its owner could rewrite the signals (which tables are read) or
     * the heartbeat, and only the owner can publish it.
     */
    public void ensure(Connection connection) throws SQLException {
        refuseForeignOwner(connection);
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + quoted(signal)
                    + " (id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))");
            s.execute("CREATE TABLE IF NOT EXISTS " + quoted(heartbeat)
                    + " (id integer PRIMARY KEY, beat_at timestamptz NOT NULL)");
        }
    }

    private void refuseForeignOwner(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT n.nspname, c.relname, pg_get_userbyid(c.relowner),"
                + " current_user FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ?"
                + " AND c.relname IN (?, ?) AND NOT pg_has_role(current_user, c.relowner, 'USAGE') ORDER BY c.relname")) {
            ps.setString(1, signal.schema());
            ps.setString(2, signal.table());
            ps.setString(3, heartbeat.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    String table = quoteIdent(rs.getString(1)) + "." + quoteIdent(rs.getString(2));
                    String user = rs.getString(4);
                    throw new SourceSetupException("Sluice's control table " + table + " is owned by role " + rs.getString(3)
                            + ", not by the ingest user " + user + " (or a role it belongs to), so another role could"
                            + " rewrite its signals; drop it, give it to " + user + " (ALTER TABLE " + table + " OWNER TO "
                            + user + "), or set the ingest control.schema to a schema of Sluice's own.");
                }
            }
        }
    }

    /** Debezium's {@code heartbeat.action.query}: one upsert, a tiny captured transaction per heartbeat. */
    public String heartbeatActionQuery() {
        return "INSERT INTO " + quoted(heartbeat) + " (id, beat_at) VALUES (1, now())"
                + " ON CONFLICT (id) DO UPDATE SET beat_at = EXCLUDED.beat_at";
    }

    /**
     * Asks the running ingest service for an incremental snapshot of {@code table} (Debezium's
     * {@code execute-snapshot} signal); returns the signal id.
     */
    public String requestBackfill(Connection connection, TableId table) throws SQLException {
        String id = UUID.randomUUID().toString();
        insertSignal(connection, id, snapshotSignalData(table));
        return id;
    }

    private void insertSignal(Connection connection, String id, String data) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "INSERT INTO " + quoted(signal) + " (id, type, data) VALUES (?, 'execute-snapshot', ?)")) {
            s.setString(1, id);
            s.setString(2, data);
            s.executeUpdate();
        }
    }

    /**
     * The {@code execute-snapshot} signal's data, built by Jackson (a quote or backslash in a name stays data). The
     * table goes in double-quoted, {@code "public"."order items.v2"}: Debezium first reads each data collection as a
     * regular expression over its tables' unquoted {@code schema.table} names and, on a match, parses that unquoted
     * name back, which fails for a name with a blank, a dot or a quote ("Unable to parse table identifier", and the
     * table is silently skipped). The quoted form matches no unquoted name (names with a double quote are refused at
     * start), so Debezium parses it as written, where quotes keep each name whole.
     */
    static String snapshotSignalData(TableId table) {
        return snapshotSignalData(table, null);
    }

    /**
     * As {@link #requestBackfill(Connection, TableId)}, for the rows matching {@code filter} only (Debezium's
     * {@code additional-conditions}, appended to each chunk's query). Debezium matches the condition's collection, a
     * regular expression, against the collection as the signal names it, so it is the quoted name, quoted as a pattern.
     */
    public void requestReread(Connection connection, String id, TableId table, String filter) throws SQLException {
        insertSignal(connection, id, snapshotSignalData(table, filter));
    }

    static String snapshotSignalData(TableId table, String filter) {
        ObjectNode data = JSON.createObjectNode();
        data.putArray("data-collections").add(quoted(table));
        data.put("type", "incremental");
        if (filter != null) {
            ObjectNode condition = data.putArray("additional-conditions").addObject();
            condition.put("data-collection", java.util.regex.Pattern.quote(quoted(table)));
            condition.put("filter", filter);
        }
        return data.toString();
    }

    public static String quoted(TableId table) {
        return quoteIdent(table.schema()) + "." + quoteIdent(table.table());
    }

    private static String quoteIdent(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
