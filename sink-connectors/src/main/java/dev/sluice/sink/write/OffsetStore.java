package dev.sluice.sink.write;

import static dev.sluice.sink.dialect.Identifiers.quote;

import dev.sluice.sink.dialect.WarehouseConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The warehouse's own record of what has been applied: {@code _sluice_offsets} (next offset to consume per
 * connector and partition) and {@code _sluice_progress} (per table, the newest source commit time and version
 * applied). Both are written inside the batch's transaction, which is what makes the sink exactly-once.
 */
public final class OffsetStore {
    public static final String OFFSETS_TABLE = "_sluice_offsets";
    public static final String PROGRESS_TABLE = "_sluice_progress";
    private static final String OFFSETS = quote(OFFSETS_TABLE);
    private static final String PROGRESS = quote(PROGRESS_TABLE);

    private final String connector;

    public OffsetStore(String connector) {
        this.connector = connector;
    }

    public void createTables(WarehouseConnection connection) throws SQLException {
        Connection c = connection.jdbc();
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + OFFSETS + " (" + quote("connector") + " VARCHAR NOT NULL, "
                    + quote("topic") + " VARCHAR NOT NULL, " + quote("partition") + " INTEGER NOT NULL, "
                    + quote("next_offset") + " BIGINT NOT NULL, PRIMARY KEY (" + quote("connector") + ", " + quote("topic")
                    + ", " + quote("partition") + "))");
            s.execute("CREATE TABLE IF NOT EXISTS " + PROGRESS + " (" + quote("table_name") + " VARCHAR NOT NULL PRIMARY KEY, "
                    + quote("source_ts") + " BIGINT, " + quote("version") + " BIGINT, " + quote("committed_at") + " TIMESTAMPTZ)");
        }
    }

    /** The stored next offsets of the given partitions; partitions never written are absent. */
    public Map<TopicPartition, Long> read(WarehouseConnection connection, Collection<TopicPartition> partitions)
            throws SQLException {
        Map<TopicPartition, Long> result = new HashMap<>();
        String sql = "SELECT " + quote("topic") + ", " + quote("partition") + ", " + quote("next_offset") + " FROM " + OFFSETS
                + " WHERE " + quote("connector") + " = ?";
        try (PreparedStatement ps = connection.jdbc().prepareStatement(sql)) {
            ps.setString(1, connector);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    TopicPartition tp = new TopicPartition(rs.getString(1), rs.getInt(2));
                    if (partitions.contains(tp)) {
                        result.put(tp, rs.getLong(3));
                    }
                }
            }
        }
        return result;
    }

    /** Upserts the next offsets; call inside the batch's transaction. */
    public void save(WarehouseConnection connection, Map<TopicPartition, Long> nextOffsets) throws SQLException {
        String sql = "INSERT INTO " + OFFSETS + " (" + quote("connector") + ", " + quote("topic") + ", " + quote("partition") + ", "
                + quote("next_offset") + ") VALUES (?, ?, ?, ?) ON CONFLICT (" + quote("connector") + ", " + quote("topic") + ", "
                + quote("partition") + ") DO UPDATE SET " + quote("next_offset") + " = EXCLUDED." + quote("next_offset");
        try (PreparedStatement ps = connection.jdbc().prepareStatement(sql)) {
            for (Map.Entry<TopicPartition, Long> e : nextOffsets.entrySet()) {
                ps.setString(1, connector);
                ps.setString(2, e.getKey().topic());
                ps.setInt(3, e.getKey().partition());
                ps.setLong(4, e.getValue());
                ps.executeUpdate(); // one row per partition: no batching needed, and DuckDB's batch upsert gains nothing
            }
        }
    }

    /** Moves the table's progress forward (never back); call inside the batch's transaction. */
    public void saveProgress(WarehouseConnection connection, String table, Long sourceTs, long version) throws SQLException {
        String p = quote("p");
        String sql = "INSERT INTO " + PROGRESS + " AS " + p + " (" + quote("table_name") + ", " + quote("source_ts") + ", "
                + quote("version") + ", " + quote("committed_at") + ") VALUES (?, ?, ?, CURRENT_TIMESTAMP) ON CONFLICT ("
                + quote("table_name") + ") DO UPDATE SET "
                + quote("source_ts") + " = GREATEST(" + p + "." + quote("source_ts") + ", EXCLUDED." + quote("source_ts") + "), "
                + quote("version") + " = GREATEST(" + p + "." + quote("version") + ", EXCLUDED." + quote("version") + "), "
                + quote("committed_at") + " = EXCLUDED." + quote("committed_at");
        try (PreparedStatement ps = connection.jdbc().prepareStatement(sql)) {
            ps.setString(1, table);
            if (sourceTs == null) {
                ps.setNull(2, java.sql.Types.BIGINT);
            } else {
                ps.setLong(2, sourceTs);
            }
            ps.setLong(3, version);
            ps.executeUpdate();
        }
    }
}
