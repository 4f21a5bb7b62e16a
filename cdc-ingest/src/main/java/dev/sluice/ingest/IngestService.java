package dev.sluice.ingest;

import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.control.PublicationTables;
import dev.sluice.ingest.engine.CdcEngine;
import dev.sluice.ingest.engine.DebeziumMetrics;
import dev.sluice.ingest.engine.EngineProperties;
import dev.sluice.ingest.engine.StoredSourceOffset;
import dev.sluice.ingest.load.InitialLoad;
import dev.sluice.ingest.load.Rereads;
import dev.sluice.ingest.load.RowEstimate;
import dev.sluice.ingest.publish.ChangePublisher;
import dev.sluice.ingest.publish.IngestDeadLetters;
import dev.sluice.ingest.publish.OversizedChange;
import dev.sluice.ingest.publish.TopicNames;
import dev.sluice.ingest.publish.TopicProvisioner;
import dev.sluice.ingest.source.ResolvedTables;
import dev.sluice.ingest.slot.SlotLagMonitor;
import dev.sluice.ingest.source.SourcePreflight;
import dev.sluice.ingest.source.SourceSetupException;
import dev.sluice.ingest.source.TableId;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The ingest service: PostgreSQL changes into Kafka change topics {@code <prefix>.<schema>.<table>},
 * Avro in the Schema Registry wire format, keyed by primary key, timestamped with the source commit
 * time.
 *
 * <p>{@link #start()} checks the setup first ({@link SourcePreflight}: nothing is written when a
 * check fails), creates missing topics, then runs Debezium's embedded engine, streaming from the
 * start; on the first start (snapshot mode {@code initial}) each table's existing rows are loaded by an
 * incremental snapshot (op {@code r}, in chunks committed as they are read, see {@link #initialLoad()}). {@link #close()} stops cleanly; a new
 * service with the same settings resumes from the offsets stored in the offsets topic, without a
 * new snapshot.
 *
 * <p>Guarantee: exactly once into Kafka for read_committed consumers. Changes and the source
 * offset after them are written in one Kafka transaction, committed only between source
 * transactions; the replication slot advances only after that commit. After a crash at any point
 * a restart resumes from the last committed offset: nothing lost, nothing written twice. (Limits
 * in the module README.)
 */
public final class IngestService implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(IngestService.class);
    private static final Duration ENGINE_START_TIMEOUT = Duration.ofSeconds(60);

    private final IngestSettings settings;
    private ChangePublisher publisher;
    private volatile CdcEngine engine;
    private ResolvedTables tables;
    private SlotLagMonitor slotLag;
    private final DebeziumMetrics debezium;
    private final InitialLoad initialLoad = new InitialLoad();
    /** Rows read again after their table's load when an update during it left a TOASTed column out. */
    private final Rereads rereads;
    private volatile boolean closing;
    private volatile boolean engineStarted;

    /** Where the service is: what a health check reports. */
    public enum Phase {
        /** Checking the setup, creating topics or the slot (which waits for open source transactions), connecting. */
        STARTING,
        /** Debezium's snapshot of the captured tables runs. */
        SNAPSHOTTING,
        /** The replication connection streams changes. */
        STREAMING,
        /** The engine stopped with an error ({@link #failure()}) or stopped on its own. */
        FAILED,
        /** Closed. */
        STOPPED
    }

    public IngestService(IngestSettings settings) {
        this.settings = settings;
        this.debezium = new DebeziumMetrics(settings.topicPrefix());
        this.rereads = new Rereads(initialLoad, ControlTables.of(settings), this::connect);
    }

    /**
     * The service's phase, from the engine's state and Debezium's own snapshot and streaming metrics. Between
     * snapshot and streaming, and while Debezium reconnects after a lost replication connection, it is
     * {@link Phase#STARTING}.
     */
    public Phase phase() {
        CdcEngine e = engine;
        if (closing) {
            return Phase.STOPPED;
        }
        if (e == null) {
            return Phase.STARTING;
        }
        if (e.failure().isPresent() || (engineStarted && !e.isRunning())) {
            return Phase.FAILED;
        }
        if (debezium.snapshotRunning()) {
            return Phase.SNAPSHOTTING;
        }
        return debezium.streamingConnected() ? Phase.STREAMING : Phase.STARTING;
    }

    /** Debezium's snapshot and streaming metrics, to bind into a meter registry. */
    public DebeziumMetrics debeziumMetrics() {
        return debezium;
    }

    /**
     * Checks the setup, creates topics, starts capturing; returns the captured tables once the
     * connector task runs.
     *
     * @throws dev.sluice.ingest.source.SourceSetupException when the source or Kafka is not set up right
     * @throws IllegalStateException when already started, or the engine fails while starting
     */
    public synchronized ResolvedTables start() {
        if (engine != null) {
            throw new IllegalStateException("This ingest service was already started; create a new one to restart.");
        }
        tables = new SourcePreflight(settings).check();
        Map<String, TableId> tablesByTopic = new LinkedHashMap<>();
        for (TableId table : tables.captured()) {
            tablesByTopic.put(TopicNames.changeTopic(settings.topicPrefix(), table), table);
        }
        List<TableId> addedTables = prepareSource(tables.captured());
        provisionTopics(tablesByTopic);

        // the publisher first: initialising its transactional producer fences a predecessor and
        // resolves the transaction it left open, so the engine then reads the final stored offset
        publisher = ChangePublisher.create(settings, tablesByTopic, this::snapshotReadPosition, initialLoad);
        List<TableId> toLoad = tablesToLoad(tables.captured(), addedTables);
        engine = new CdcEngine();
        try {
            engine.start(EngineProperties.of(settings, tables.captured()), publisher, ENGINE_START_TIMEOUT);
            engineStarted = true;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        log.info("Capturing {} table(s) from {} into topics {}", tables.captured().size(), settings.sourceAddress(),
                tablesByTopic.keySet());
        slotLag = new SlotLagMonitor(settings);
        slotLag.start();
        requestLoads(toLoad);
        return tables;
    }

    /** The initial load of the captured tables: what is loading (progress, completion), for the status line and the drain. */
    public InitialLoad initialLoad() {
        return initialLoad;
    }

    /**
     * The tables whose existing rows must be loaded now: every captured table at the first start (no stored offset)
     * in the default mode, else the tables just added to the publication. Tables whose load a predecessor left under
     * way (the stored offset says so) resume by themselves from their last committed chunk: they are only tracked.
     */
    private List<TableId> tablesToLoad(List<TableId> captured, List<TableId> addedTables) {
        Optional<StoredSourceOffset> stored = StoredSourceOffset.read(settings);
        ControlTables control = ControlTables.of(settings);
        List<TableId> toLoad = new ArrayList<>();
        for (TableId table : captured) {
            if (control.isControlTable(table)) {
                continue;
            }
            if (stored.isEmpty() ? settings.loadsInChunks() || addedTables.contains(table) : addedTables.contains(table)) {
                toLoad.add(table);
            } else if (stored.isPresent() && stored.get().snapshotting(table.toString())) {
                track(table, true);
                log.info("The load of table {} resumes after its last committed chunk", table);
            }
        }
        return toLoad;
    }

    /**
     * Creates Sluice's signal and heartbeat tables when missing and brings an existing publication
     * to the captured tables; returns the tables newly added to it (their earlier rows need a backfill).
     */
    private List<TableId> prepareSource(List<TableId> captured) {
        ControlTables control = ControlTables.of(settings);
        List<TableId> published = new ArrayList<>(captured);
        published.addAll(control.both());
        try (Connection connection = connect()) {
            control.ensure(connection);
            return new PublicationTables(settings.publicationName()).sync(connection, published);
        } catch (SQLException e) {
            throw new SourceSetupException("Preparing Sluice's tables " + control.both() + " and publication "
                    + settings.publicationName() + " in " + settings.sourceAddress() + " failed (" + e.getMessage()
                    + "); user " + settings.user() + " needs CREATE on schema " + settings.controlSchema()
                    + " (or create the tables as that user) and must own the publication.", e);
        }
    }

    /**
     * Asks Debezium for an incremental snapshot of each table (an INSERT into the signal table, which travels in the
     * WAL): it must come after the slot exists, else the stream never carries it.
     */
    private void requestLoads(List<TableId> toLoad) {
        if (toLoad.isEmpty()) {
            return;
        }
        try (Connection connection = connect()) {
            awaitSlot(connection);
            for (TableId table : toLoad) {
                track(table, false);
                ControlTables.of(settings).requestBackfill(connection, table);
            }
            log.info("Loading the existing rows of {} in chunks while changes stream: {}", toLoad,
                    initialLoad.progress().stream().map(p -> p.line()).toList());
        } catch (SQLException e) {
            log.warn("Requesting the load of tables {} failed ({}); run sluice backfill for each", toLoad, e.getMessage());
        }
    }

    private void track(TableId table, boolean resumed) {
        try (Connection connection = connect()) {
            RowEstimate estimate = RowEstimate.of(connection, table);
            initialLoad.loading(table, estimate.rows(), estimate.exact(), resumed);
        } catch (SQLException e) {
            log.warn("Estimating the rows of {} failed ({}); its load shows no total", table, e.getMessage());
            initialLoad.loading(table, 0, false, resumed);
        }
    }

    private void awaitSlot(Connection connection) throws SQLException {
        long deadline = System.nanoTime() + ENGINE_START_TIMEOUT.toNanos();
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, settings.slotName());
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new SQLException("replication slot " + settings.slotName() + " was not created within "
                            + ENGINE_START_TIMEOUT.toSeconds() + " s");
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while waiting for replication slot " + settings.slotName(), e);
                }
            }
        }
    }

    /**
     * One below the replication slot's {@code restart_lsn}: every change a transaction decoded from the slot wrote lies
     * at or after it, so initial snapshot reads stamped with it order before every streamed change of their row.
     */
    private long snapshotReadPosition() {
        try (Connection connection = connect();
             PreparedStatement ps = connection.prepareStatement("SELECT (restart_lsn - '0/0'::pg_lsn)::bigint"
                     + " FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, settings.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getObject(1) == null) {
                    throw new IllegalStateException("The snapshot started but replication slot " + settings.slotName()
                            + " has no restart_lsn in " + settings.sourceAddress() + "; was it dropped meanwhile?");
                }
                return rs.getLong(1) - 1;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Reading the restart_lsn of replication slot " + settings.slotName() + " from "
                    + settings.sourceAddress() + " failed (" + e.getMessage() + "); the snapshot is read again after a restart.", e);
        }
    }

    private Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", settings.user());
        props.setProperty("password", settings.password());
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "sluice-ingest");
        return DriverManager.getConnection(settings.jdbcUrl(), props);
    }

    private void provisionTopics(Map<String, TableId> tablesByTopic) {
        Map<String, Object> adminConfig = new HashMap<>(settings.kafkaProperties());
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        adminConfig.put(AdminClientConfig.CLIENT_ID_CONFIG, "sluice-ingest-admin");
        try (Admin admin = Admin.create(adminConfig)) {
            TopicProvisioner provisioner = new TopicProvisioner(admin, settings.kafkaTimeout(), settings.recordSizeLimit());
            provisioner.ensureChangeTopics(tablesByTopic.keySet(), settings.topicPartitions(), settings.replicationFactor());
            provisioner.ensureOffsetsTopic(settings.offsetsTopic(), settings.replicationFactor());
            provisioner.ensureChangeTopics(List.of(EngineProperties.notificationTopic(settings)), 1, settings.replicationFactor());
            provisioner.ensureChangeTopics(List.of(IngestDeadLetters.topic(settings.topicPrefix())), 1,
                    settings.replicationFactor());
        }
    }

    /** The tables being captured (after {@link #start()}). */
    public synchronized Optional<ResolvedTables> tables() {
        return Optional.ofNullable(tables);
    }

    /** The replication slot's lag monitor (after {@link #start()}). */
    public synchronized Optional<SlotLagMonitor> slotLag() {
        return Optional.ofNullable(slotLag);
    }

    /** True while the engine runs. */
    public boolean isRunning() {
        CdcEngine e = engine;
        return e != null && e.isRunning();
    }

    /**
     * Why the engine stopped, if it stopped with an error: a change too large for Kafka as its own sentence
     * ({@link OversizedChange}), not wrapped in the engine's report of it.
     */
    public Optional<Throwable> failure() {
        CdcEngine e = engine;
        return e == null ? Optional.empty() : e.failure().map(IngestService::sentenceOf);
    }

    private static Throwable sentenceOf(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof OversizedChange) {
                return t;
            }
        }
        return failure;
    }

    /**
     * Stops the engine (which lets the slot advance to the last committed offset), then the
     * producer, aborting a Kafka transaction still open: its source transaction is read again at
     * the next start.
     */
    @Override
    public synchronized void close() {
        closing = true;
        rereads.close();
        if (slotLag != null) {
            slotLag.close();
            slotLag = null;
        }
        // engine first: it may still be inside a batch that needs the producer
        if (engine != null) {
            engine.close();
        }
        if (publisher != null) {
            publisher.close();
            publisher = null;
        }
    }
}
