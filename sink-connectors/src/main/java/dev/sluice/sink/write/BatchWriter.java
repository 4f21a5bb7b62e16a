package dev.sluice.sink.write;

import dev.sluice.sink.config.DeleteMode;
import dev.sluice.sink.config.InsertMode;
import dev.sluice.sink.dialect.Dialect;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.history.HistoryWriter;
import dev.sluice.sink.metrics.SinkMetrics;
import dev.sluice.sink.table.TableManager;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Writes one {@link LatestVersionBatch} in a single database transaction: per table, DDL if needed, the rows into a
 * temporary staging table, then one version-guarded upsert (and one delete statement) from it; then every version
 * of the tables that keep a history into their {@code _history} tables ({@link HistoryWriter}); then the
 * source heartbeats' frontier, the progress row per table and the next offsets. Either all of it commits or none of it does, so the stored
 * offsets always describe exactly the rows applied. Holds the database's write lock for the whole transaction.
 */
public final class BatchWriter {
    private final Dialect dialect;
    private final UpsertSql sql;
    private final TableManager tables;
    private final OffsetStore offsets;
    private final DeleteMode deleteMode;
    private final InsertMode insertMode;
    private final SinkMetrics metrics;
    private final String stagingPrefix;
    private final FrontierStore frontier = new FrontierStore();
    private final HistoryWriter history;

    public BatchWriter(Dialect dialect, TableManager tables, OffsetStore offsets, DeleteMode deleteMode, InsertMode insertMode,
                       SinkMetrics metrics, String stagingPrefix) {
        this.insertMode = insertMode;
        this.dialect = dialect;
        this.sql = new UpsertSql(dialect);
        this.tables = tables;
        this.offsets = offsets;
        this.deleteMode = deleteMode;
        this.metrics = metrics;
        this.stagingPrefix = stagingPrefix;
        this.history = new HistoryWriter(dialect, tables);
    }

    /** Commits the batch and returns the next offsets now stored; on failure everything is rolled back and rethrown. */
    public Map<TopicPartition, Long> write(WarehouseConnection connection, LatestVersionBatch batch) throws SQLException {
        long started = System.nanoTime();
        Connection c = connection.jdbc();
        List<Applied> applied = new ArrayList<>();
        connection.writeLock().lock();
        try {
            c.setAutoCommit(false);
            int n = 0;
            for (Map.Entry<String, Collection<RowRecord>> e : batch.rowsByTable().entrySet()) {
                applied.add(writeTable(connection, e.getKey(), e.getValue(), stagingPrefix + (n++)));
            }
            Map<String, Long> versionsAdded = new java.util.LinkedHashMap<>();
            for (Map.Entry<String, Collection<RowRecord>> e : batch.versionsByTable().entrySet()) {
                versionsAdded.put(e.getKey(), history.write(connection, e.getKey(), e.getValue(), stagingPrefix + (n++)));
            }
            Map<String, FrontierStore.Complete> frontiers = saveProgress(connection, applied, batch.heartbeats());
            Map<TopicPartition, Long> next = batch.nextOffsets();
            offsets.save(connection, next);
            c.commit();
            long committedAt = System.currentTimeMillis();
            applied.forEach(a -> a.report(metrics, committedAt));
            versionsAdded.forEach(metrics::historyVersions);
            frontiers.forEach((table, complete) -> metrics.completeUpTo(table, complete.sourceTs()));
            metrics.batchLatency(Duration.ofNanos(System.nanoTime() - started));
            return next;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c, e);
            tables.invalidate();
            throw e;
        } finally {
            restoreAutoCommit(c);
            connection.writeLock().unlock();
        }
    }

    /**
     * Writes {@code rows} as {@link #write} would (without offsets or progress) and rolls back whatever happens: a
     * trial that tells whether the warehouse takes these rows. Throws what the write threw.
     */
    public void tryWrite(WarehouseConnection connection, List<RowRecord> rows) throws SQLException {
        Map<String, Collection<RowRecord>> byTable = new java.util.LinkedHashMap<>();
        rows.forEach(row -> byTable.computeIfAbsent(row.table(), t -> new ArrayList<>()).add(row));
        Connection c = connection.jdbc();
        connection.writeLock().lock();
        try {
            c.setAutoCommit(false);
            int n = 0;
            for (Map.Entry<String, Collection<RowRecord>> e : byTable.entrySet()) {
                writeTable(connection, e.getKey(), e.getValue(), stagingPrefix + "trial_" + (n++));
            }
        } finally {
            try {
                c.rollback();
            } catch (SQLException e) {
                // a broken connection: the caller sees the write's own failure or retries
            }
            tables.invalidate(); // tables created in the trial are gone again
            restoreAutoCommit(c);
            connection.writeLock().unlock();
        }
    }

    private Applied writeTable(WarehouseConnection connection, String table, Collection<RowRecord> rows, String staging)
            throws SQLException {
        TableShape shape = tables.ensure(connection, table, TableShape.of(rows));
        execute(connection, sql.createStaging(staging, shape));
        List<Object[]> values = new ArrayList<>(rows.size());
        Set<String> unchangedMarkers = new LinkedHashSet<>();
        long maxVersion = Long.MIN_VALUE;
        Long maxSourceTs = null;
        for (RowRecord row : rows) {
            Object[] staged = shape.stagingValuesOf(row);
            values.add(staged);
            if (staged[staged.length - 1] != null && !row.deleted()) {
                unchangedMarkers.add((String) staged[staged.length - 1]);
            }
            maxVersion = Math.max(maxVersion, row.version());
            if (row.sourceTs() != null) {
                maxSourceTs = maxSourceTs == null ? row.sourceTs() : Math.max(maxSourceTs, row.sourceTs());
            }
        }
        dialect.loadStaging(connection, staging, shape.stagingColumnNames(), shape.stagingColumnTypes(), values);
        long upserted;
        long deleted;
        if (shape.keyColumns().isEmpty()) {
            upserted = update(connection, sql.append(table, staging, shape)); // pk.mode=none: an append log, deletes included
            deleted = 0;
        } else {
            upserted = update(connection, sql.write(table, staging, shape, null, insertMode));
            // rows whose TOASTed columns did not change: one statement per set of missing columns (rare, small)
            for (String marker : unchangedMarkers) {
                upserted += update(connection, sql.write(table, staging, shape, marker, insertMode));
            }
            deleted = switch (deleteMode) {
                case SOFT -> update(connection, sql.softDelete(table, staging, shape));
                case HARD -> update(connection, sql.hardDelete(table, staging, shape));
                case NONE -> 0;
            };
        }
        execute(connection, sql.dropStaging(staging));
        return new Applied(table, upserted, deleted, shape.droppedValues(), rows, maxSourceTs, maxVersion);
    }

    /**
     * One progress row per table touched: the newest row applied, and the completeness frontier once this batch's
     * heartbeats have moved it (written after the rows, in the same transaction, so it never runs ahead of them).
     */
    private Map<String, FrontierStore.Complete> saveProgress(WarehouseConnection connection, List<Applied> applied,
                                                             Collection<FrontierStore.Position> heartbeats) throws SQLException {
        Map<String, FrontierStore.Complete> frontiers = new java.util.LinkedHashMap<>();
        frontier.save(connection, heartbeats);
        Set<String> tablesTouched = new LinkedHashSet<>();
        applied.forEach(a -> tablesTouched.add(a.table()));
        heartbeats.forEach(h -> tablesTouched.add(h.table()));
        Set<String> beaten = new LinkedHashSet<>();
        heartbeats.forEach(h -> beaten.add(h.table()));
        for (String table : tablesTouched) {
            Applied rows = applied.stream().filter(a -> a.table().equals(table)).findFirst().orElse(null);
            FrontierStore.Complete complete = beaten.contains(table) ? frontier.complete(connection, table).orElse(null) : null;
            offsets.saveProgress(connection, table, rows == null ? null : rows.maxSourceTs(),
                    rows == null ? null : rows.maxVersion(), complete);
            if (complete != null) {
                frontiers.put(table, complete);
            }
        }
        return frontiers;
    }

    private static long update(WarehouseConnection connection, String statement) throws SQLException {
        try (Statement s = connection.jdbc().createStatement()) {
            return s.executeUpdate(statement);
        }
    }

    private static void execute(WarehouseConnection connection, String statement) throws SQLException {
        try (Statement s = connection.jdbc().createStatement()) {
            s.execute(statement);
        }
    }

    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException e) {
            // a broken connection: the task reconnects before its next write
        }
    }

    private static void rollbackQuietly(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private record Applied(String table, long upserted, long deleted, long droppedFields, Collection<RowRecord> rows,
                           Long maxSourceTs, long maxVersion) {
        void report(SinkMetrics metrics, long committedAt) {
            metrics.upserted(table, upserted);
            metrics.deleted(table, deleted);
            metrics.fieldsDropped(table, droppedFields);
            for (RowRecord row : rows) {
                if (row.sourceTs() != null) {
                    metrics.freshness(table, Duration.ofMillis(committedAt - row.sourceTs()));
                }
            }
        }
    }
}
