package dev.sluice.ingest.publish;

import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.TransactionBound;
import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.engine.EngineProperties;
import dev.sluice.ingest.engine.SourceOffsetRecords;
import dev.sluice.ingest.load.InitialLoad;
import dev.sluice.ingest.source.TableId;
import dev.sluice.ingest.values.SpecialNumericConverter;
import dev.sluice.schemas.connect.AvroConverter;
import dev.sluice.schemas.kafka.RecordSizeLimit;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.Converter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Debezium's change consumer, writing exactly once into Kafka: converts each change of a captured
 * table to Avro (Schema Registry wire format, through {@link AvroConverter}) and sends it to its
 * topic, keyed by primary key and timestamped with the source commit time, inside a Kafka
 * transaction; the source offset that follows the changes is written to the offsets topic inside
 * the same transaction.
 *
 * <p>A Kafka transaction commits only where the stream stands between source transactions
 * ({@link TransactionBoundaries}); it stays open across engine batches while a large source
 * transaction (or the initial snapshot) is read, and bundles small source transactions until
 * {@link #COMMIT_INTERVAL} or {@link #COMMIT_CHANGES} is reached or the batch ends. Only after the
 * commit is the boundary record marked processed: that is what lets the engine tell the connector
 * to flush the LSN to the replication slot, so the slot never moves past what Kafka holds.
 *
 * <p>No Kafka transaction grows without a bound ({@link TransactionBound}): when one reaches it inside a
 * source transaction or a snapshot, it commits there with the offset of the last boundary it holds (if
 * any), never one inside the source transaction. The stored position so stays where a restart can
 * resume from; after a crash the cut source transaction is read again from its start, and its changes
 * already committed arrive once more with the same {@code source.lsn}.
 *
 * <p>Any failure (a send, the commit, a conversion) aborts the open transaction and fails the
 * batch, which stops the engine: a restart resumes from the last committed offset. Records of
 * other topics (transaction markers, Debezium's heartbeats, Sluice's heartbeat table) are never
 * published as they are; a heartbeat between source transactions moves the stored offset (and so
 * the slot) forward. The COMMIT of the transaction that the heartbeat action query writes (every
 * heartbeat interval) is published as a {@link dev.sluice.schemas.heartbeat.Heartbeat} on every
 * partition of every change topic, in the same Kafka transaction as its offset ({@link HeartbeatPublisher}).
 */
public final class ChangePublisher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChangePublisher.class);
    /** An open Kafka transaction is committed at the next source boundary once it is this old ... */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(200);
    /** ... or holds this many changes. */
    static final int COMMIT_CHANGES = 5_000;

    private final Map<String, TableId> tablesByTopic;
    private final long commitIntervalNanos;
    private final TransactionBound bound;
    /** Where changes go that cannot be published ({@link IngestDeadLetters}); the settings' by {@link #create}. */
    private String deadLetterTopic = IngestDeadLetters.topic("sluice");
    /** The largest change published; the settings' by {@link #create}. */
    private RecordSizeLimit recordSizeLimit = RecordSizeLimit.DEFAULT;
    /** Told what each committed transaction held of an initial load; the service's own by {@link #create}. */
    private InitialLoad load = new InitialLoad();
    /** Backfill reads and Debezium notifications in the open transaction: told to {@link #load} once it commits. */
    private final Map<TableId, Long> readsInTransaction = new HashMap<>();
    /** Keys of streamed updates in the open transaction that left a TOASTed column out (see InitialLoad#unchangedToast). */
    private final List<Map.Entry<TableId, Struct>> unchangedToastInTransaction = new ArrayList<>();
    private final List<Struct> notificationsInTransaction = new ArrayList<>();
    private final Converter keyConverter;
    private final Converter valueConverter;
    private final Producer<byte[], byte[]> producer;
    private final KafkaClientMetrics producerMetrics;
    private final IngestMetrics metrics;
    private final String offsetsTopic;
    private final SourceOffsetRecords offsetRecords = new SourceOffsetRecords();
    private final TransactionBoundaries boundaries;
    /** The first failed send; commitTransaction() fails then too, this keeps the cause for the message. */
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private final List<PendingChanges> pending = new ArrayList<>();
    private final HeartbeatPublisher heartbeats;
    /** Where Debezium sends changes of Sluice's heartbeat table (captured, never published); null: none. */
    private final String heartbeatTableTopic;
    /** Inside a source transaction that wrote the heartbeat table. */
    private boolean heartbeatCommitting;
    /** Where initial snapshot reads sit in the row's version order ({@link SnapshotReadPosition}). */
    private final LongSupplier snapshotReadPosition;
    private Long snapshotReadVersion;

    private boolean transactionOpen;
    private long transactionStartedNanos;
    private int changesInTransaction;
    private long bytesInTransaction;
    /** Changes sent after the last boundary: while positive, the transaction cannot commit. */
    private int changesSinceBoundary;
    private RecordChangeEvent<SourceRecord> lastBoundary;

    /**
     * @param producer a transactional producer on which {@code initTransactions()} has been called
     */
    public ChangePublisher(Map<String, TableId> tablesByTopic, Converter keyConverter, Converter valueConverter,
                           Producer<byte[], byte[]> producer, IngestMetrics metrics, String offsetsTopic,
                           String transactionTopic, String notificationTopic, String heartbeatTableTopic,
                           LongSupplier snapshotReadPosition, TransactionBound bound) {
        this(tablesByTopic, keyConverter, valueConverter, producer, metrics, offsetsTopic, transactionTopic,
                notificationTopic, heartbeatTableTopic, snapshotReadPosition, COMMIT_INTERVAL, bound);
    }

    ChangePublisher(Map<String, TableId> tablesByTopic, Converter keyConverter, Converter valueConverter,
                    Producer<byte[], byte[]> producer, IngestMetrics metrics, String offsetsTopic,
                    String transactionTopic, String notificationTopic, String heartbeatTableTopic,
                    LongSupplier snapshotReadPosition, Duration commitInterval) {
        this(tablesByTopic, keyConverter, valueConverter, producer, metrics, offsetsTopic, transactionTopic,
                notificationTopic, heartbeatTableTopic, snapshotReadPosition, commitInterval, TransactionBound.DEFAULT);
    }

    ChangePublisher(Map<String, TableId> tablesByTopic, Converter keyConverter, Converter valueConverter,
                    Producer<byte[], byte[]> producer, IngestMetrics metrics, String offsetsTopic,
                    String transactionTopic, String notificationTopic, String heartbeatTableTopic,
                    LongSupplier snapshotReadPosition, Duration commitInterval, TransactionBound bound) {
        this.bound = bound;
        this.heartbeatTableTopic = heartbeatTableTopic;
        this.snapshotReadPosition = snapshotReadPosition;
        this.commitIntervalNanos = commitInterval.toNanos();
        this.tablesByTopic = Map.copyOf(tablesByTopic);
        this.keyConverter = keyConverter;
        this.valueConverter = valueConverter;
        this.producer = producer;
        this.metrics = metrics;
        this.offsetsTopic = offsetsTopic;
        this.boundaries = new TransactionBoundaries(transactionTopic, notificationTopic);
        // the producer's own metrics (record rates, batch sizes, request latency) beside ours
        this.producerMetrics = producer instanceof KafkaProducer<byte[], byte[]> kafka ? new KafkaClientMetrics(kafka) : null;
        if (producerMetrics != null) {
            producerMetrics.bindTo(Metrics.globalRegistry);
        }
        this.heartbeats = new HeartbeatPublisher(producer, this.tablesByTopic.keySet(), this::begin, error -> sendFailure.compareAndSet(null, error));
    }


    /**
     * A publisher with Avro converters on the settings' registry and a transactional producer whose
     * {@code transactional.id} is stable per source ({@link IngestSettings#transactionalId()}):
     * initialising it fences a predecessor that is still alive and resolves the transaction it left
     * open, so it must happen before the engine reads the stored offsets.
     *
     * @throws IllegalStateException when the producer cannot initialise its transactions
     */
    public static ChangePublisher create(IngestSettings settings, Map<String, TableId> tablesByTopic,
                                         LongSupplier snapshotReadPosition, InitialLoad load) {
        Map<String, String> registry = new HashMap<>(settings.registryProperties());
        registry.put("schema.registry.url", settings.schemaRegistryUrl());
        AvroConverter keys = new AvroConverter();
        keys.configure(registry, true);
        AvroConverter values = new AvroConverter();
        values.configure(registry, false);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(IngestProducerConfig.of(settings));
        try {
            producer.initTransactions();
        } catch (KafkaException e) {
            producer.close(Duration.ZERO);
            throw new IllegalStateException("Could not initialise Kafka transactions as " + settings.transactionalId()
                    + " (" + e.getMessage() + "); the brokers must allow transactions (transaction state log"
                    + " replication at least its min ISR) and this client must be allowed to write that transactional id.", e);
        }
        ChangePublisher publisher = new ChangePublisher(tablesByTopic, keys, values, producer, new IngestMetrics(),
                settings.offsetsTopic(), EngineProperties.transactionTopic(settings), EngineProperties.notificationTopic(settings),
                TopicNames.changeTopic(settings.topicPrefix(), ControlTables.of(settings).heartbeat()), snapshotReadPosition,
                settings.transactionBound());
        publisher.load = load;
        publisher.recordSizeLimit = settings.recordSizeLimit();
        publisher.deadLetterTopic = IngestDeadLetters.topic(settings.topicPrefix());
        return publisher;
    }

    /** Asked once, at the first snapshot read: the slot does not move while the snapshot is read. */
    private long snapshotReadVersion() {
        if (snapshotReadVersion == null) {
            snapshotReadVersion = snapshotReadPosition.getAsLong();
        }
        return snapshotReadVersion;
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        try {
            for (RecordChangeEvent<SourceRecord> event : batch) {
                SourceRecord record = event.record();
                TableId table = tablesByTopic.get(record.topic());
                TransactionBoundaries.Kind kind = boundaries.accept(record, table != null);
                if (kind == TransactionBoundaries.Kind.CHANGE) {
                    if (TransactionBoundaries.isIncrementalSnapshot(record)) {
                        IncrementalReadPosition.stamp(record);
                        readsInTransaction.merge(table, 1L, Long::sum);
                    } else if (SnapshotReadPosition.isInitialRead(record)) {
                        SnapshotReadPosition.stamp(record, snapshotReadVersion());
                    } else if (UnchangedToast.leavesOut(record) && record.key() instanceof Struct key) {
                        unchangedToastInTransaction.add(Map.entry(table, key));
                    }
                    List<String> nanColumns = SpecialNumericConverter.nanColumns(record.value());
                    if (nanColumns.isEmpty()) {
                        send(record, table);
                    } else {
                        deadLetter(record, table, nanColumns);
                    }
                    changesSinceBoundary++;
                } else if (kind == TransactionBoundaries.Kind.NOTIFICATION) {
                    // rides along in the open transaction; a replay after a crash may repeat it
                    sendRecord(record);
                    if (record.value() instanceof Struct notification) {
                        notificationsInTransaction.add(notification);
                    }
                }
                if (kind == TransactionBoundaries.Kind.OTHER && record.topic() != null
                        && record.topic().equals(heartbeatTableTopic)) {
                    heartbeatCommitting = true; // the heartbeat action query's own transaction
                }
                if (boundaries.atBoundary()) {
                    if (heartbeatCommitting && kind == TransactionBoundaries.Kind.MARKER) {
                        // at its COMMIT: the position and commit time of a transaction written just now, so an
                        // idle table's frontier trails the source by one heartbeat interval at most
                        heartbeats.publish(record);
                    }
                    heartbeatCommitting = false;
                    lastBoundary = event;
                    changesSinceBoundary = 0;
                    if (commitDue()) {
                        commit(committer);
                    }
                } else if (boundReached()) {
                    // inside a source transaction or snapshot: commit what is sent, store no position in it
                    commit(committer);
                    metrics.transactionCut();
                }
            }
            // end of batch: commit what is complete, unless a source transaction is half sent
            if (lastBoundary != null && changesSinceBoundary == 0) {
                commit(committer);
            }
        } catch (RuntimeException e) {
            abort();
            // already the sentence (the table, the key and the setting to raise); the sends the abort failed since
            // do not replace it
            if (e instanceof OversizedChange oversized) {
                throw oversized;
            }
            Exception cause = sendFailure.get() != null ? sendFailure.get() : e;
            if (cause instanceof OversizedChange oversized) {
                throw oversized;
            }
            throw new IllegalStateException("Writing changes to Kafka failed (" + cause.getMessage()
                    + "); the Kafka transaction was aborted and its changes will be read again after a restart.", e);
        }
        committer.markBatchFinished();
    }

    private boolean commitDue() {
        return transactionOpen && (changesInTransaction >= COMMIT_CHANGES
                || System.nanoTime() - transactionStartedNanos >= commitIntervalNanos);
    }

    private boolean boundReached() {
        return transactionOpen && bound.reached(changesInTransaction, bytesInTransaction,
                System.nanoTime() - transactionStartedNanos);
    }

    private void send(SourceRecord record, TableId table) {
        long commitTime = sendRecord(record);
        changesInTransaction++;
        String tableName = table.toString();
        PendingChanges last = pending.isEmpty() ? null : pending.get(pending.size() - 1);
        if (last != null && last.table.equals(tableName) && last.commitTime == commitTime) {
            last.count++;
        } else {
            pending.add(new PendingChanges(tableName, commitTime));
        }
    }

    /** Converts and sends one record inside the open transaction; returns its timestamp. */
    private long sendRecord(SourceRecord record) {
        String topic = record.topic();
        byte[] key = keyConverter.fromConnectData(topic, record.keySchema(), record.key());
        byte[] value = valueConverter.fromConnectData(topic, record.valueSchema(), record.value());
        long commitTime = SourceCommitTime.of(record);
        long bytes = (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        if (bytes > recordSizeLimit.maxRecordBytes()) {
            // refused here, not by the producer: its error would not say which row, and nothing of it is sent
            throw OversizedChange.overLimit(tableName(record), record.key(), bytes, recordSizeLimit);
        }
        begin();
        bytesInTransaction += bytes;
        try {
            producer.send(new ProducerRecord<>(topic, null, commitTime, key, value), (metadata, error) -> {
                if (error instanceof RecordTooLargeException) {
                    sendFailure.compareAndSet(null, OversizedChange.refusedByBroker(tableName(record), topic,
                            record.key(), bytes, recordSizeLimit));
                } else if (error != null) {
                    sendFailure.compareAndSet(null, error);
                }
            });
        } catch (RecordTooLargeException e) {
            throw OversizedChange.refusedByBroker(tableName(record), topic, record.key(), bytes, recordSizeLimit);
        }
        return commitTime;
    }

    /** A change that cannot be encoded goes to the ingest dead-letter topic, in the open transaction. */
    private void deadLetter(SourceRecord record, TableId table, List<String> nanColumns) {
        String reason = IngestDeadLetters.nanReason(table.toString(), record.key(), nanColumns);
        byte[] key;
        try {
            key = keyConverter.fromConnectData(record.topic(), record.keySchema(), record.key());
        } catch (DataException e) {
            key = null; // the key holds the NaN itself: its text is in a header
        }
        begin();
        changesInTransaction++;
        producer.send(IngestDeadLetters.letter(deadLetterTopic, SourceCommitTime.of(record), key, table.toString(),
                record.key(), reason), (metadata, error) -> {
            if (error != null) {
                sendFailure.compareAndSet(null, error);
            }
        });
        log.warn("Dead-lettered to {}: {}", deadLetterTopic, reason);
    }

    private String tableName(SourceRecord record) {
        TableId table = tablesByTopic.get(record.topic());
        return table == null ? "topic " + record.topic() : table.toString();
    }

    /** The limit a change must keep to (tests; {@link #create} sets the settings'). */
    void recordSizeLimit(RecordSizeLimit limit) {
        this.recordSizeLimit = limit;
    }

    private void begin() {
        if (!transactionOpen) {
            producer.beginTransaction();
            transactionOpen = true;
            transactionStartedNanos = System.nanoTime();
        }
    }

    /**
     * Writes the last boundary's offset (none when the transaction holds no boundary: a cut inside a
     * source transaction), commits, and only then lets the engine advance the slot.
     */
    private void commit(DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        SourceRecord boundary = lastBoundary == null ? null : lastBoundary.record();
        if (boundary != null && boundary.sourcePartition() != null && boundary.sourceOffset() != null) {
            begin();
            producer.send(new ProducerRecord<>(offsetsTopic, offsetRecords.key(boundary.sourcePartition()),
                    offsetRecords.value(boundary.sourceOffset())), (metadata, error) -> {
                if (error != null) {
                    sendFailure.compareAndSet(null, error);
                }
            });
        }
        if (transactionOpen) {
            // throws when a send of this transaction failed: then nothing of it becomes visible
            producer.commitTransaction();
            transactionOpen = false;
            metrics.transactionCommitted(Duration.ofNanos(System.nanoTime() - transactionStartedNanos));
            long now = System.currentTimeMillis();
            for (PendingChanges changes : pending) {
                metrics.acknowledged(changes.table, Duration.ofMillis(now - changes.commitTime), changes.count);
            }
            readsInTransaction.forEach(load::read);
            unchangedToastInTransaction.forEach(e -> load.unchangedToast(e.getKey(), e.getValue()));
            notificationsInTransaction.forEach(load::notified);
        }
        readsInTransaction.clear();
        unchangedToastInTransaction.clear();
        notificationsInTransaction.clear();
        pending.clear();
        changesInTransaction = 0;
        bytesInTransaction = 0;
        if (lastBoundary != null) {
            // after the commit, never before: this offset is what the slot is flushed to
            committer.markProcessed(lastBoundary);
            lastBoundary = null;
        }
    }

    private void abort() {
        pending.clear();
        readsInTransaction.clear();
        unchangedToastInTransaction.clear();
        notificationsInTransaction.clear();
        changesInTransaction = 0;
        bytesInTransaction = 0;
        changesSinceBoundary = 0;
        lastBoundary = null;
        if (!transactionOpen) {
            return;
        }
        transactionOpen = false;
        metrics.transactionAborted();
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            // fenced or fatal: the broker aborts it (on the successor's init, or at the timeout)
            log.warn("Aborting the Kafka transaction failed: {}", e.toString());
        }
    }

    /** Aborts a transaction left open (a source transaction read in part), then closes the producer. */
    @Override
    public void close() {
        if (transactionOpen) {
            log.info("Aborting the open Kafka transaction; its changes are read again at the next start");
            abort();
        }
        producer.close(Duration.ofSeconds(30));
        if (producerMetrics != null) {
            producerMetrics.close();
        }
        closeQuietly(keyConverter);
        closeQuietly(valueConverter);
    }

    private static void closeQuietly(Converter converter) {
        try {
            converter.close();
        } catch (IOException | RuntimeException e) {
            log.warn("Closing a converter failed: {}", e.toString());
        }
    }

    /** Consecutive changes of one table with one source commit time, counted when their transaction commits. */
    private static final class PendingChanges {
        final String table;
        final long commitTime;
        int count = 1;

        PendingChanges(String table, long commitTime) {
            this.table = table;
            this.commitTime = commitTime;
        }
    }
}
