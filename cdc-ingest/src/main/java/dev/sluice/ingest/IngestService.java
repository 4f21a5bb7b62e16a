package dev.sluice.ingest;

import dev.sluice.ingest.engine.CdcEngine;
import dev.sluice.ingest.engine.EngineProperties;
import dev.sluice.ingest.publish.ChangePublisher;
import dev.sluice.ingest.publish.TopicNames;
import dev.sluice.ingest.publish.TopicProvisioner;
import dev.sluice.ingest.source.ResolvedTables;
import dev.sluice.ingest.source.SourcePreflight;
import dev.sluice.ingest.source.TableId;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

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
    private CdcEngine engine;
    private ResolvedTables tables;

    public IngestService(IngestSettings settings) {
        this.settings = settings;
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
        provisionTopics(tablesByTopic);

        // the publisher first: initialising its transactional producer fences a predecessor and
        // resolves the transaction it left open, so the engine then reads the final stored offset
        publisher = ChangePublisher.create(settings, tablesByTopic);
        engine = new CdcEngine();
        try {
            engine.start(EngineProperties.of(settings, tables.captured()), publisher, ENGINE_START_TIMEOUT);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        log.info("Capturing {} table(s) from {} into topics {}", tables.captured().size(), settings.sourceAddress(),
                tablesByTopic.keySet());
        return tables;
    }

    private void provisionTopics(Map<String, TableId> tablesByTopic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "sluice-ingest-admin"))) {
            TopicProvisioner provisioner = new TopicProvisioner(admin, settings.kafkaTimeout());
            provisioner.ensureChangeTopics(tablesByTopic.keySet(), settings.topicPartitions(), settings.replicationFactor());
            provisioner.ensureOffsetsTopic(settings.offsetsTopic(), settings.replicationFactor());
        }
    }

    /** The tables being captured (after {@link #start()}). */
    public synchronized Optional<ResolvedTables> tables() {
        return Optional.ofNullable(tables);
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
