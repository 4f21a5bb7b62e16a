package dev.sluice.cli.rebuild;

import static dev.sluice.sink.dialect.Identifiers.quote;

import dev.sluice.sink.table.ControlTableOwners;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The control table {@code _sluice_rebuilds}: one row per rebuild, beside the sink's {@code _sluice_offsets} and
 * {@code _sluice_progress}, so what a rebuild is and where it stands is read from the warehouse itself. Its state
 * changes in the same transaction as the tables it concerns (the swap), so the row never disagrees with them.
 */
final class Rebuilds {

    static final String TABLE = "_sluice_rebuilds";
    private static final String T = quote(TABLE);

    /** REPLACED: promoted once, then a later rebuild of its pipeline was promoted over it. */
    enum State { RUNNING, PROMOTED, ROLLED_BACK, REPLACED, ABORTED }

    /**
     * @param spec   the spec file the rebuild runs, or {@code replication}
     * @param tables the live tables it swapped (empty before the first promotion); one without a live version before
     *               ends with {@link Rebuild#NEW_TABLE}
     */
    record Row(String name, String pipeline, String spec, String applicationId, String connector, String liveConnector,
               String topicsRegex, List<String> tables, State state, Instant startedAt, Instant promotedAt) {
    }

    private Rebuilds() {
    }

    static void create(Connection c) throws SQLException {
        Optional<String> foreign = ControlTableOwners.problem(c, List.of(TABLE));
        if (foreign.isPresent()) {
            throw new IllegalStateException(foreign.get());
        }
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + T + " (" + quote("name") + " VARCHAR NOT NULL PRIMARY KEY, "
                    + quote("pipeline") + " VARCHAR NOT NULL, " + quote("spec") + " VARCHAR NOT NULL, "
                    + quote("application_id") + " VARCHAR NOT NULL, " + quote("connector") + " VARCHAR NOT NULL, "
                    + quote("live_connector") + " VARCHAR NOT NULL, " + quote("topics_regex") + " VARCHAR NOT NULL, "
                    + quote("tables") + " VARCHAR NOT NULL, "
                    + quote("state") + " VARCHAR NOT NULL, " + quote("started_at") + " TIMESTAMPTZ NOT NULL, "
                    + quote("promoted_at") + " TIMESTAMPTZ)");
        }
    }

    static Optional<Row> find(Connection c, String name) throws SQLException {
        if (!tableExists(c)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + quote("pipeline") + ", " + quote("spec") + ", "
                + quote("application_id") + ", " + quote("connector") + ", " + quote("live_connector") + ", "
                + quote("topics_regex") + ", " + quote("tables") + ", " + quote("state") + ", " + quote("started_at") + ", " + quote("promoted_at")
                + " FROM " + T + " WHERE " + quote("name") + " = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String tables = rs.getString(7);
                Timestamp promoted = rs.getTimestamp(10);
                return Optional.of(new Row(name, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), tables.isEmpty() ? List.of() : Arrays.asList(tables.split(",")),
                        State.valueOf(rs.getString(8)), rs.getTimestamp(9).toInstant(),
                        promoted == null ? null : promoted.toInstant()));
            }
        }
    }

    /** The rebuild {@code name}, or one sentence saying there is none. */
    static Row require(Connection c, String name) throws SQLException {
        return find(c, name).orElseThrow(() -> new IllegalArgumentException("There is no rebuild named '" + name
                + "' in this warehouse; start one with sluice rebuild start --as " + name + "."));
    }

    static void insert(Connection c, Row row) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + T + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)")) {
            ps.setString(1, row.name());
            ps.setString(2, row.pipeline());
            ps.setString(3, row.spec());
            ps.setString(4, row.applicationId());
            ps.setString(5, row.connector());
            ps.setString(6, row.liveConnector());
            ps.setString(7, row.topicsRegex());
            ps.setString(8, String.join(",", row.tables()));
            ps.setString(9, row.state().name());
            ps.setTimestamp(10, Timestamp.from(row.startedAt()));
            ps.executeUpdate();
        }
    }

    /** Sets the state, the swapped tables and (for a promotion) the promotion time; call inside the swap's transaction. */
    static void update(Connection c, String name, State state, List<String> tables, Instant promotedAt) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + T + " SET " + quote("state") + " = ?, "
                + quote("tables") + " = ?, " + quote("promoted_at") + " = COALESCE(?, " + quote("promoted_at") + ") WHERE "
                + quote("name") + " = ?")) {
            ps.setString(1, state.name());
            ps.setString(2, String.join(",", tables));
            ps.setTimestamp(3, promotedAt == null ? null : Timestamp.from(promotedAt));
            ps.setString(4, name);
            ps.executeUpdate();
        }
    }

    /** The promoted rebuild of {@code pipeline}, if any: its sink writes the live tables now. */
    static Optional<String> promotedConnector(Connection c, String pipeline) throws SQLException {
        if (!tableExists(c)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + quote("connector") + " FROM " + T + " WHERE "
                + quote("pipeline") + " = ? AND " + quote("state") + " = ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, State.PROMOTED.name());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** The application of the promoted rebuild of {@code pipeline} other than {@code except}: it fills the live tables. */
    static Optional<String> promotedApplication(Connection c, String pipeline, String except) throws SQLException {
        if (!tableExists(c)) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + quote("application_id") + " FROM " + T + " WHERE "
                + quote("pipeline") + " = ? AND " + quote("state") + " = ? AND " + quote("name") + " <> ?")) {
            ps.setString(1, pipeline);
            ps.setString(2, State.PROMOTED.name());
            ps.setString(3, except);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Marks the other promoted rebuild of {@code pipeline} replaced; call inside the promotion's transaction. */
    static void replacePromoted(Connection c, String pipeline, String except) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + T + " SET " + quote("state") + " = ? WHERE "
                + quote("pipeline") + " = ? AND " + quote("state") + " = ? AND " + quote("name") + " <> ?")) {
            ps.setString(1, State.REPLACED.name());
            ps.setString(2, pipeline);
            ps.setString(3, State.PROMOTED.name());
            ps.setString(4, except);
            ps.executeUpdate();
        }
    }

    /** Undoes {@link #replacePromoted} for the rebuild whose sink is {@code connector}; inside the rollback's transaction. */
    static void restoreReplaced(Connection c, String pipeline, String connector) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + T + " SET " + quote("state") + " = ? WHERE "
                + quote("pipeline") + " = ? AND " + quote("state") + " = ? AND " + quote("connector") + " = ?")) {
            ps.setString(1, State.PROMOTED.name());
            ps.setString(2, pipeline);
            ps.setString(3, State.REPLACED.name());
            ps.setString(4, connector);
            ps.executeUpdate();
        }
    }

    private static boolean tableExists(Connection c) throws SQLException {
        return TableSwap.exists(c, TABLE);
    }
}
