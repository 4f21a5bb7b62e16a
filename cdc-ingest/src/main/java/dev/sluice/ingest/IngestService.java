package dev.sluice.ingest;

import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.control.PublicationTables;
import dev.sluice.ingest.engine.CdcEngine;
import dev.sluice.ingest.engine.DebeziumMetrics;
import dev.sluice.ingest.engine.EngineProperties;
import dev.sluice.ingest.publish.ChangePublisher;
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
 * check fails), creates missing topics, then runs Debezium's embedded engine: an initial snapshot
 * (op {@code r}) on the first start, streaming afterwards. {@link #close()} stops cleanly; a new
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
        publisher = ChangePublisher.create(settings, tablesByTopic, this::snapshotReadPosition);
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
        backfill(addedTables);
        return tables;
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

    /** A table added to an existing publication streams from now on; its earlier rows come by backfill. */
    private void backfill(List<TableId> addedTables) {
        List<TableId> added = addedTables.stream().filter(t -> !ControlTables.of(settings).isControlTable(t)).toList();
        if (added.isEmpty()) {
            return;
        }
        try (Connection connection = connect()) {
            for (TableId table : added) {
                ControlTables.of(settings).requestBackfill(connection, table);
                log.info("Table {} was added to publication {}: its changes stream from now on, its existing rows"
                        + " are being backfilled", table, settings.publicationName());
            }
        } catch (SQLException e) {
            log.warn("Requesting the backfill of the added tables {} failed ({}); run sluice backfill for each", added,
                    e.getMessage());
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
            TopicProvisioner provisioner = new TopicProvisioner(admin, settings.kafkaTimeout());
            provisioner.ensureChangeTopics(tablesByTopic.keySet(), settings.topicPartitions(), settings.replicationFactor());
            provisioner.ensureOffsetsTopic(settings.offsetsTopic(), settings.replicationFactor());
            provisioner.ensureChangeTopics(List.of(EngineProperties.notificationTopic(settings)), 1, settings.replicationFactor());
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

    /** Why the engine stopped, if it stopped with an error. */
    public Optional<Throwable> failure() {
        CdcEngine e = engine;
        return e == null ? Optional.empty() : e.failure();
    }

    /**
     * Stops the engine (which lets the slot advance to the last committed offset), then the
     * producer, aborting a Kafka transaction still open: its source transaction is read again at
     * the next start.
     */
    @Override
    public synchronized void close() {
        closing = true;
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
