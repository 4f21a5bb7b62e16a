package dev.sluice.sink.write;

import static dev.sluice.sink.dialect.Identifiers.quote;

import dev.sluice.schemas.heartbeat.Heartbeat;
import dev.sluice.sink.dialect.WarehouseConnection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * The warehouse's completeness frontier. {@code _sluice_frontier} holds, per table, row-topic partition and origin
 * (change-topic partition), the newest source heartbeat applied: every change of that origin committed at the source
 * before {@code version} (an LSN) is in the table. The table is complete up to the smallest of them, once every
 * row-topic partition has heard from every origin (row topics have their change topic's partition count); that
 * frontier is stored in {@code _sluice_progress.complete_version} / {@code complete_ts}. Written inside the batch's
 * transaction, so it never runs ahead of the rows.
 */
public final class FrontierStore {
    public static final String FRONTIER_TABLE = "_sluice_frontier";
    private static final String FRONTIER = quote(FRONTIER_TABLE);

    /** The newest heartbeat of one origin seen on one partition of a table's topic. */
    public record Position(String table, TopicPartition partition, int origin, int origins, long lsn, long sourceTs) {
        static Position of(String table, TopicPartition partition, Heartbeat beat) {
            return new Position(table, partition, beat.partition(), beat.partitions(), beat.lsn(), beat.sourceTs());
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Position p && table.equals(p.table) && partition.equals(p.partition) && origin == p.origin;
        }

        @Override
        public int hashCode() {
            return Objects.hash(table, partition, origin);
        }
    }

    /** A table's frontier: complete up to {@code version}, whose source commit time is {@code sourceTs}. */
    public record Complete(long version, long sourceTs) {
    }

    public static Position position(String table, TopicPartition partition, Heartbeat beat) {
        return Position.of(table, partition, beat);
    }

    public void createTable(WarehouseConnection connection) throws SQLException {
        try (Statement s = connection.jdbc().createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + FRONTIER + " (" + quote("table_name") + " VARCHAR NOT NULL, "
                    + quote("topic") + " VARCHAR NOT NULL, " + quote("partition") + " INTEGER NOT NULL, "
                    + quote("origin") + " INTEGER NOT NULL, " + quote("origins") + " INTEGER NOT NULL, "
                    + quote("version") + " BIGINT NOT NULL, " + quote("source_ts") + " BIGINT NOT NULL, PRIMARY KEY ("
                    + quote("table_name") + ", " + quote("topic") + ", " + quote("partition") + ", " + quote("origin") + "))");
        }
    }

    /** Moves each position forward (never back); call inside the batch's transaction. */
    public void save(WarehouseConnection connection, Iterable<Position> positions) throws SQLException {
        String f = quote("f");
        String sql = "INSERT INTO " + FRONTIER + " AS " + f + " (" + quote("table_name") + ", " + quote("topic") + ", "
                + quote("partition") + ", " + quote("origin") + ", " + quote("origins") + ", " + quote("version") + ", "
                + quote("source_ts") + ") VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (" + quote("table_name") + ", " + quote("topic")
                + ", " + quote("partition") + ", " + quote("origin") + ") DO UPDATE SET "
                + quote("origins") + " = EXCLUDED." + quote("origins") + ", "
                + quote("version") + " = GREATEST(" + f + "." + quote("version") + ", EXCLUDED." + quote("version") + "), "
                + quote("source_ts") + " = GREATEST(" + f + "." + quote("source_ts") + ", EXCLUDED." + quote("source_ts") + ")";
        for (Position p : positions) {
            try (PreparedStatement ps = connection.jdbc().prepareStatement(sql)) {
                ps.setString(1, p.table());
                ps.setString(2, p.partition().topic());
                ps.setInt(3, p.partition().partition());
                ps.setInt(4, p.origin());
                ps.setInt(5, p.origins());
                ps.setLong(6, p.lsn());
                ps.setLong(7, p.sourceTs());
                ps.executeUpdate();
            }
        }
    }

    /**
     * The table's frontier from what is stored (this transaction's writes included): empty until every partition of
     * each of its topics has a heartbeat from every origin.
     */
    public Optional<Complete> complete(WarehouseConnection connection, String table) throws SQLException {
        String sql = "SELECT " + quote("topic") + ", " + quote("partition") + ", " + quote("origin") + ", " + quote("origins")
                + ", " + quote("version") + ", " + quote("source_ts") + " FROM " + FRONTIER + " WHERE " + quote("table_name") + " = ?";
        Map<String, Set<Long>> seen = new HashMap<>();
        Map<String, Integer> origins = new HashMap<>();
        long version = Long.MAX_VALUE;
        long sourceTs = Long.MAX_VALUE;
        try (PreparedStatement ps = connection.jdbc().prepareStatement(sql)) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String topic = rs.getString(1);
                    seen.computeIfAbsent(topic, t -> new HashSet<>()).add(((long) rs.getInt(2) << 32) | rs.getInt(3));
                    origins.merge(topic, rs.getInt(4), Math::max);
                    version = Math.min(version, rs.getLong(5));
                    sourceTs = Math.min(sourceTs, rs.getLong(6));
                }
            }
        }
        if (seen.isEmpty()) {
            return Optional.empty();
        }
        for (Map.Entry<String, Set<Long>> e : seen.entrySet()) {
            int n = origins.get(e.getKey());
            if (e.getValue().size() < (long) n * n) {
                return Optional.empty(); // a partition has not yet heard from every origin
            }
        }
        return Optional.of(new Complete(version, sourceTs));
    }
}
