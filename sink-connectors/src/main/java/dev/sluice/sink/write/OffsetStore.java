package dev.sluice.sink.write;

import static dev.sluice.sink.dialect.Identifiers.quote;

import dev.sluice.sink.dialect.WarehouseConnection;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The warehouse's own record of what has been applied: {@code _sluice_offsets} (next offset to consume per
 * connector and partition) and {@code _sluice_progress} (per table, the newest source commit time and version
 * applied, and the completeness frontier of {@link FrontierStore}). All are written inside the batch's transaction,
 * which is what makes the sink exactly-once.
 */
public final class OffsetStore {
    public static final String OFFSETS_TABLE = "_sluice_offsets";
    public static final String PROGRESS_TABLE = "_sluice_progress";
    private static final String OFFSETS = quote(OFFSETS_TABLE);
    private static final String PROGRESS = quote(PROGRESS_TABLE);

    /** Partitions per offsets upsert: 4 bind parameters each, far below PostgreSQL's 65,535 per statement. */
    private static final int ROWS_PER_STATEMENT = 1_000;

    private final String connector;
    private final FrontierStore frontier = new FrontierStore();

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
            // the completeness frontier (FrontierStore), added to warehouses created before it existed
            s.execute("ALTER TABLE " + PROGRESS + " ADD COLUMN IF NOT EXISTS " + quote("complete_version") + " BIGINT");
            s.execute("ALTER TABLE " + PROGRESS + " ADD COLUMN IF NOT EXISTS " + quote("complete_ts") + " BIGINT");
        }
        frontier.createTable(connection);
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

    /**
     * Upserts the next offsets, up to {@value #ROWS_PER_STATEMENT} partitions per statement (one round trip; a
     * single-row upsert per partition cost DuckDB milliseconds each inside a large transaction); call inside the
     * batch's transaction.
     */
    public void save(WarehouseConnection connection, Map<TopicPartition, Long> nextOffsets) throws SQLException {
        List<Map.Entry<TopicPartition, Long>> entries = new ArrayList<>(nextOffsets.entrySet());
        for (int from = 0; from < entries.size(); from += ROWS_PER_STATEMENT) {
            List<Map.Entry<TopicPartition, Long>> chunk = entries.subList(from, Math.min(entries.size(), from + ROWS_PER_STATEMENT));
            String sql = "INSERT INTO " + OFFSETS + " (" + quote("connector") + ", " + quote("topic") + ", " + quote("partition")
                    + ", " + quote("next_offset") + ") VALUES " + String.join(", ", Collections.nCopies(chunk.size(), "(?, ?, ?, ?)"))
                    + " ON CONFLICT (" + quote("connector") + ", " + quote("topic") + ", " + quote("partition")
                    + ") DO UPDATE SET " + quote("next_offset") + " = EXCLUDED." + quote("next_offset");
            try (PreparedStatement ps = connection.jdbc().prepareStatement(sql)) {
                int i = 0;
                for (Map.Entry<TopicPartition, Long> e : chunk) {
                    ps.setString(++i, connector);
                    ps.setString(++i, e.getKey().topic());
                    ps.setInt(++i, e.getKey().partition());
                    ps.setLong(++i, e.getValue());
                }
                ps.executeUpdate();
            }
        }
    }

    /**
     * Moves the table's progress forward (never back): the newest row applied ({@code sourceTs}, {@code version}; null when
     * this batch wrote none) and the completeness frontier ({@code complete}; null when unchanged). Call inside the batch's
     * transaction.
     */
    public void saveProgress(WarehouseConnection connection, String table, Long sourceTs, Long version,
                             FrontierStore.Complete complete) throws SQLException {
        String p = quote("p");
        List<String> columns = List.of("source_ts", "version", "complete_version", "complete_ts");
        StringBuilder set = new StringBuilder();
        for (String c : columns) {
            set.append(quote(c)).append(" = GREATEST(").append(p).append('.').append(quote(c)).append(", EXCLUDED.")
                    .append(quote(c)).append("), ");
        }
        String sql = "INSERT INTO " + PROGRESS + " AS " + p + " (" + quote("table_name") + ", " + quote("source_ts") + ", "
                + quote("version") + ", " + quote("complete_version") + ", " + quote("complete_ts") + ", " + quote("committed_at")
                + ") VALUES (?, ?, ?, ?, ?, CURRENT_TIMESTAMP) ON CONFLICT (" + quote("table_name") + ") DO UPDATE SET "
                + set + quote("committed_at") + " = EXCLUDED." + quote("committed_at");
        try (PreparedStatement ps = connection.jdbc().prepareStatement(sql)) {
            ps.setString(1, table);
            setLong(ps, 2, sourceTs);
            setLong(ps, 3, version);
            setLong(ps, 4, complete == null ? null : complete.version());
            setLong(ps, 5, complete == null ? null : complete.sourceTs());
            ps.executeUpdate();
        }
    }

    private static void setLong(PreparedStatement ps, int index, Long value) throws SQLException {
        if (value == null) {
            ps.setNull(index, java.sql.Types.BIGINT);
        } else {
            ps.setLong(index, value);
        }
    }
}
