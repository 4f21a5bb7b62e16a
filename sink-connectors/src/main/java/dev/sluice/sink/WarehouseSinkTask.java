package dev.sluice.sink;

import dev.sluice.sink.config.DeleteMode;
import dev.sluice.sink.config.WarehouseSinkConfig;
import dev.sluice.sink.dialect.Dialect;
import dev.sluice.sink.dialect.Dialects;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.metrics.SinkMetrics;
import dev.sluice.sink.table.ControlTableOwners;
import dev.sluice.sink.table.TableClaims;
import dev.sluice.sink.table.TableManager;
import dev.sluice.schemas.heartbeat.Heartbeat;
import dev.sluice.sink.write.BatchWriter;
import dev.sluice.sink.write.FrontierStore;
import dev.sluice.sink.write.LatestVersionBatch;
import dev.sluice.sink.write.OffsetStore;
import dev.sluice.sink.write.RefusedRows;
import dev.sluice.sink.write.WarehouseFailure;
import dev.sluice.sink.write.RowRecord;
import dev.sluice.sink.write.RowRecordParser;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers row records, keeps the newest version per key, and writes them with their offsets in one database
 * transaction when {@code batch.size} records are buffered or the worker commits offsets. On partition
 * assignment it seeks to the offsets stored in the warehouse, and it drops any record below them, so a change
 * is applied once even when Connect's own committed offsets lag behind the warehouse. A record that breaks the
 * row-topic contract goes to the connector's dead-letter queue when one is configured ({@code errors.tolerance=all},
 * {@code errors.deadletterqueue.topic.name}) and the rest of the batch still lands; otherwise the task fails.
 * A failed write (or offset read) is retried {@code max.retries} times with exponential backoff from
 * {@code retry.backoff.ms} (at most {@code retry.backoff.max.ms} per wait), reconnecting when the connection broke, while the task stays
 * RUNNING; only then does the task fail. The batch stays buffered meanwhile, so nothing is lost. A batch filled by
 * {@code put} is written on a background thread while the next one is polled and parsed (one write in flight at a
 * time; see {@link BackgroundWrite}); {@code preCommit}, rebalances and {@code stop} wait for it.
 */
public class WarehouseSinkTask extends SinkTask {
    private static final int CONTROL_TABLE_ATTEMPTS = 5;
    /** An idle warehouse gets a write as soon as this many records are buffered ... */
    static final int EARLY_WRITE_RECORDS = 2_000;
    /** ... or the batch is this old ... */
    static final long EARLY_WRITE_AFTER_NANOS = 100_000_000L;
    /**
     * ... or the poll that brought the records came back short of the consumer's max.poll.records (Connect's consumer
     * default, 500, unless overridden): nothing else was waiting, so holding the batch would only add latency. Only
     * below this many records a second, though: each write pays a transaction and a staging table, and at 5,000 a
     * second writing every short poll cost the warehouse the CPU the load needed (the lag grew from 29,000 to 48,000).
     */
    static final double SHORT_POLL_WRITE_MAX_RATE = 2_000;
    private static final String MAX_POLL_RECORDS = "consumer.override.max.poll.records";
    private int maxPollRecords;
    private final IncomingRate incoming = new IncomingRate(System.nanoTime());
    private static final Logger LOG = LoggerFactory.getLogger(WarehouseSinkTask.class);
    private static final AtomicInteger TASK_IDS = new AtomicInteger();

    private LatestVersionBatch batch;
    /** When the buffered batch began (the last write's start): how long its oldest records have waited, at most. */
    private long batchStartedNanos = System.nanoTime();
    /** Next offset per owned partition as stored in the warehouse. */
    private final Map<TopicPartition, Long> stored = new HashMap<>();
    private WarehouseSinkConfig config;
    private Dialect dialect;
    private WarehouseConnection connection;
    private RowRecordParser parser;
    private OffsetStore offsets;
    private BatchWriter writer;
    private DeadLetters deadLetters;
    private RuntimeException failure;
    private SinkMetrics metrics;
    private BackgroundWrite writes;
    private TableClaims claims;
    /** Per topic seen: null when it may write its table, else why its records are dead-lettered. */
    private final Map<String, String> refusals = new HashMap<>();

    /** A warehouse action that may fail for a lost connection. */
    @FunctionalInterface
    private interface SqlAction<T> {
        T run() throws SQLException;
    }

    @Override
    public String version() {
        return SinkVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        config = new WarehouseSinkConfig(props);
        maxPollRecords = Integer.parseInt(props.getOrDefault(MAX_POLL_RECORDS, "500").trim());
        batch = new LatestVersionBatch(config.historyTables());
        dialect = Dialects.forUrl(config.connectionUrl());
        offsets = new OffsetStore(props.getOrDefault("name", "warehouse-sink"));
        parser = new RowRecordParser(config.tableNameFormat(), config.pkMode(), config.pkFields());
        deadLetters = new DeadLetters(context);
        metrics = new SinkMetrics();
        writes = new BackgroundWrite(Thread.currentThread().getName() + "-writer");
        claims = new TableClaims(dialect.foldsNameCase(), dialect.maxNameBytes());
        TableManager tables = new TableManager(dialect, config.autoCreate(), config.schemaChangePolicy());
        writer = new BatchWriter(dialect, tables, offsets, config.deleteMode(), config.insertMode(), metrics,
                "sluice_stage_" + TASK_IDS.incrementAndGet() + "_");
        try {
            connect();
        } catch (SQLException e) {
            throw new ConnectException("Cannot open the " + dialect.name() + " warehouse at " + config.connectionUrl()
                    + ": " + e.getMessage() + "; check connection.url, connection.user and connection.password.", e);
        }
    }

    private void connect() throws SQLException {
        connection = dialect.connect(config.connectionUrl(), config.user(), config.password());
        Optional<String> foreign;
        connection.writeLock().lock();
        try {
            foreign = foreignControlTables();
            if (foreign.isEmpty()) {
                createControlTables();
            }
        } finally {
            connection.writeLock().unlock();
        }
        if (foreign.isPresent()) {
            closeConnection();
            throw new ConnectException(foreign.get());
        }
    }

    /** Checked before anything is created or written: a control table another role owns is not the sink's to trust. */
    private Optional<String> foreignControlTables() throws SQLException {
        return ControlTableOwners.problem(connection.jdbc(), List.of(OffsetStore.OFFSETS_TABLE, OffsetStore.PROGRESS_TABLE,
                FrontierStore.FRONTIER_TABLE, TableClaims.CLAIMS_TABLE));
    }

    /**
     * Sibling tasks (other workers too) start at once and race to CREATE TABLE IF NOT EXISTS the control tables;
     * PostgreSQL lets the loser fail on its catalog's unique index. Each try gets further, so a few suffice.
     */
    private void createControlTables() throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try {
                offsets.createTables(connection);
                claims.createTable(connection);
                return;
            } catch (SQLException raced) {
                if (attempt == CONTROL_TABLE_ATTEMPTS) {
                    throw raced;
                }
                try {
                    Thread.sleep(50L * attempt);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw raced;
                }
            }
        }
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
        stored.putAll(writes.await());
        Map<TopicPartition, Long> positions = withRetries("Reading " + OffsetStore.OFFSETS_TABLE + " from",
                () -> offsets.read(connection, partitions));
        stored.putAll(positions);
        if (!positions.isEmpty()) {
            context.offset(positions);
        }
        // with close's line, places every write in the rebalance history when a run has to explain a lost change
        LOG.info("Opened {}; seeking to the offsets stored in the warehouse: {}", partitions, positions);
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (failure != null) {
            throw failure;
        }
        for (SinkRecord record : records) {
            TopicPartition tp = parser.partition(record.topic(), record.kafkaPartition());
            Long next = stored.get(tp);
            if (next != null && record.kafkaOffset() < next) {
                continue; // already in the warehouse: delivered again before the seek took effect
            }
            String refusal = refusal(record.topic());
            Heartbeat beat = heartbeat(record);
            if (beat != null && refusal != null) {
                batch.consumed(tp, record.kafkaOffset()); // a refused topic must not move another topic's frontier
                continue;
            }
            if (beat != null) {
                batch.heartbeat(FrontierStore.position(parser.tableFor(record.topic()), tp, beat), record.kafkaOffset());
                continue;
            }
            RowRecord row;
            try {
                row = parser.parse(record);
                if (refusal != null && row != null) {
                    throw new DataException(refusal);
                }
                if (row == null) {
                    throw new DataException("The record at " + record.topic() + "-" + record.kafkaPartition() + "@"
                            + record.kafkaOffset() + " is a tombstone (no value); row topics carry deletes as rows with "
                            + RowRecord.DELETED + "=true (docs/CONTRACTS.md), so the sink cannot tell what to delete.");
                }
            } catch (DataException e) {
                deadLetters.report(record, e); // rethrows when no dead-letter queue is configured
                metrics.deadLettered(DeadLetters.READ);
                batch.consumed(tp, record.kafkaOffset());
                continue;
            }
            // with delete.mode=none a delete still closes the row's history when it keeps one
            if (row.deleted() && config.deleteMode() == DeleteMode.NONE && !batch.keepsHistory(row.table())) {
                batch.consumed(tp, record.kafkaOffset());
            } else {
                batch.add(row, record);
            }
        }
        incoming.arrived(records.size(), System.nanoTime());
        if (batch.size() >= config.batchSize()) {
            writeInBackground();
        } else if (!batch.isEmpty() && writes.idle() && (batch.size() >= EARLY_WRITE_RECORDS
                || System.nanoTime() - batchStartedNanos >= EARLY_WRITE_AFTER_NANOS
                || records.size() < maxPollRecords && incoming.perSecond() < SHORT_POLL_WRITE_MAX_RATE)) {
            // the warehouse is idle: write what arrived rather than wait for the worker's next offset commit, once it
            // is worth a write, has waited long enough, or nothing more is queued behind it (Nagle off). Writes are
            // one at a time, so a high rate still makes big batches: while a write runs the next batch grows
            writeInBackground();
        }
    }

    /**
     * Why the records of {@code topic} may not go to their table ({@link TableClaims}), or null; worked out once per
     * topic, after the write in flight (the claim uses the connection in its own transaction).
     */
    private String refusal(String topic) {
        if (refusals.containsKey(topic)) {
            return refusals.get(topic);
        }
        stored.putAll(writes.await());
        String table = parser.tableFor(topic);
        String refusal = withRetries("Claiming table " + table + " in", () -> claims.claim(connection, topic, table));
        if (refusal != null) {
            LOG.warn("{}", refusal);
        }
        refusals.put(topic, refusal);
        return refusal;
    }

    /** The source heartbeat a record carries (no value, heartbeat headers), else null. */
    private static Heartbeat heartbeat(SinkRecord record) {
        if (record.value() != null || record.headers().lastWithName(Heartbeat.LSN) == null) {
            return null;
        }
        Headers h = record.headers();
        return Heartbeat.of(h.lastWithName(Heartbeat.LSN).value(), h.lastWithName(Heartbeat.SOURCE_TS).value(),
                h.lastWithName(Heartbeat.PARTITION).value(), h.lastWithName(Heartbeat.PARTITIONS).value());
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        try {
            write();
        } catch (RuntimeException e) {
            failure = e; // fail the task on the next put(): Connect only logs exceptions thrown here
            throw e;
        }
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        stored.forEach((tp, next) -> {
            if (currentOffsets.containsKey(tp)) {
                result.put(tp, new OffsetAndMetadata(next));
            }
        });
        return result;
    }

    /** Writes everything buffered and waits for it: what preCommit reports is then in the warehouse. */
    private void write() {
        stored.putAll(writes.await());
        if (batch.isEmpty()) {
            return;
        }
        deadLetters.awaitReported(); // a skipped record's offset may commit only once it sits in the DLQ
        stored.putAll(writeBatch(batch));
        batch.clear();
    }

    /**
     * Hands the full buffer to the background writer (after the write before it committed) and buffers anew, so
     * the next records are polled and parsed while this batch is written. A failed write fails the next put.
     */
    private void writeInBackground() {
        stored.putAll(writes.await());
        deadLetters.awaitReported();
        LatestVersionBatch full = batch;
        batch = full.empty();
        batchStartedNanos = System.nanoTime();
        writes.start(() -> writeBatch(full));
    }

    /**
     * Writes the batch with its offsets, retrying an outage. When the warehouse refuses rows (a data error, not an
     * outage), finds them by trial writes ({@link RefusedRows}), dead-letters each alone and writes the rest with
     * every offset, the refused rows' included, in one transaction: they are in the dead-letter topic before it
     * commits.
     */
    private Map<TopicPartition, Long> writeBatch(LatestVersionBatch rows) {
        return withRetries("Writing " + rows.size() + " records to", () -> {
            try {
                return writer.write(connection, rows);
            } catch (SQLException e) {
                if (!WarehouseFailure.STANDARD.isRefusal(e)) {
                    throw e;
                }
                deadLetterRefused(rows, e);
                return writer.write(connection, rows);
            }
        });
    }

    private void deadLetterRefused(LatestVersionBatch rows, SQLException failure) throws SQLException {
        if (!deadLetters.enabled()) {
            throw new ConnectException("The " + dialect.name() + " warehouse refused a row: " + failure.getMessage()
                    + "; fix the row or the table, or set errors.tolerance=all and errors.deadletterqueue.topic.name"
                    + " so that such rows go to a dead-letter topic and the rest lands.", failure);
        }
        List<RowRecord> all = new ArrayList<>();
        rows.rowsByTable().values().forEach(all::addAll);
        Map<RowRecord, SQLException> refused = RefusedRows.find(all, failure,
                part -> writer.tryWrite(connection, part), WarehouseFailure.STANDARD);
        if (refused.isEmpty()) {
            throw new ConnectException("The " + dialect.name() + " warehouse refuses a batch of " + all.size()
                    + " rows but none of them alone (" + failure.getMessage() + "); rows of this batch conflict with"
                    + " each other, e.g. through a unique constraint that is not the primary key.", failure);
        }
        refused.forEach((row, error) -> {
            SinkRecord source = rows.source(row);
            String reason = "The " + dialect.name() + " warehouse refused this row of table " + row.table() + ": "
                    + error.getMessage();
            LOG.warn("Dead-lettering the record at {}@{}: {}", row.partition(), row.offset(), reason);
            deadLetters.report(source, new DataException(reason, error), DeadLetters.WRITE);
            metrics.deadLettered(DeadLetters.WRITE);
            rows.refuse(row);
        });
        deadLetters.awaitReported(); // the refused rows' offsets commit with the rest: they must be in the DLQ first
    }

    /**
     * Runs the action, retrying a failure max.retries times with exponential backoff and a fresh connection when the
     * old one broke. Blocking here keeps the task RUNNING and its batch buffered through a database outage; the
     * default budget (about three minutes) stays below the consumer's max.poll.interval.ms (five minutes).
     */
    private <T> T withRetries(String what, SqlAction<T> action) {
        for (int retry = 0; ; retry++) {
            try {
                if (connection == null) {
                    connect();
                }
                return action.run();
            } catch (SQLException e) {
                if (retry >= config.maxRetries()) {
                    throw new ConnectException(what + " " + config.connectionUrl() + " failed after " + retry + " retries: "
                            + e.getMessage() + "; check that the database is up, or raise max.retries / retry.backoff.ms.", e);
                }
                long wait = config.backoffBeforeRetry(retry);
                LOG.warn("{} {} failed (retry {} of {} in {} ms): {}", what, config.connectionUrl(), retry + 1,
                        config.maxRetries(), wait, e.getMessage());
                metrics.retried();
                backOff(wait);
                reconnectIfBroken();
            }
        }
    }

    private static void backOff(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while waiting to retry a warehouse write", e);
        }
    }

    /** Drops a broken connection and tries a new one; on failure the next retry connects again. */
    private void reconnectIfBroken() {
        if (connection == null) {
            return;
        }
        try {
            if (connection.jdbc().isValid(5)) {
                return;
            }
        } catch (SQLException e) {
            // treat as broken
        }
        closeConnection();
        try {
            connect();
        } catch (SQLException e) {
            closeConnection();
            LOG.warn("Reconnecting to {} failed: {}", config.connectionUrl(), e.getMessage());
        }
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
        stored.putAll(writes.await()); // its offsets are stored before the partitions' next owner reads them
        Map<TopicPartition, Long> written = new HashMap<>(stored);
        written.keySet().retainAll(partitions);
        LOG.info("Closing {}; the warehouse stores next offsets {}; what the batch of {} records holds of them is"
                + " dropped, for the next owner to read again", partitions, written, batch.size());
        batch.drop(partitions);
        stored.keySet().removeAll(partitions);
    }

    @Override
    public void stop() {
        if (writes != null) {
            try {
                writes.await();
            } catch (RuntimeException e) {
                LOG.warn("The last batch write failed while stopping; its records are read again: {}", e.getMessage());
            }
            writes.close();
        }
        closeConnection();
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.warn("Closing the warehouse connection failed: {}", e.getMessage());
            }
            connection = null;
        }
    }
}
