package dev.sluice.cli.local;

import dev.sluice.cli.http.Stage;
import dev.sluice.cli.http.Stages;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.cli.drain.CompletionTarget;
import dev.sluice.cli.drain.FrontierWait;
import dev.sluice.cli.drain.SourcePosition;
import dev.sluice.cli.drain.WarehouseFrontier;
import dev.sluice.embedded.ConnectWorker;
import dev.sluice.ingest.IngestService;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.load.InitialLoad;
import dev.sluice.ingest.source.ResolvedTables;
import dev.sluice.ingest.source.TableId;
import dev.sluice.transforms.replicate.ReplicationSpec;
import dev.sluice.transforms.runtime.TransformConfig;
import dev.sluice.transforms.runtime.TransformService;
import dev.sluice.schemas.kafka.RecordSizeLimit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * The three services wired into one replication path, against brokers, registry, source and
 * warehouses that someone else runs: cdc-ingest (Debezium into change topics), stream-transforms
 * (unwrap and dedupe into row topics) and a Connect worker running one sink connector per warehouse.
 * Local mode and the end-to-end tests both build it; they differ only in what they run around it.
 */
public final class ReplicationPipeline implements AutoCloseable {

    public static final String PIPELINE = ReplicationSpec.DEFAULT_PIPELINE;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReplicationPipeline.class);
    static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

    /**
     * @param tables     schema.table names to replicate; empty = every table with a primary key
     * @param warehouses one sink connector is started per warehouse
     * @param workDir    state of Kafka Streams and of the Connect worker
     * @param snapshotMode Debezium's snapshot mode for ingest (initial, never, when_needed, ...)
     * @param schemaChangePolicy the sink's {@code schema.change.policy}: evolve, fail or ignore
     */
    /**
     * What one replication pipeline runs on. Build it with {@link #of} (one partition per topic, snapshot mode
     * initial, schema change policy evolve) and change a default with a {@code with...} method.
     */
    public record Settings(String bootstrapServers, String registryUrl, SourceUrl source, List<String> tables,
                           List<WarehouseTarget> warehouses, Path workDir, int topicPartitions, String snapshotMode,
                           String schemaChangePolicy, RecordSizeLimit recordSizeLimit, String controlSchema,
                           Map<String, String> debeziumProperties) {

        public static Settings of(String bootstrapServers, String registryUrl, SourceUrl source, List<String> tables,
                                  List<WarehouseTarget> warehouses, Path workDir) {
            return new Settings(bootstrapServers, registryUrl, source, tables, warehouses, workDir, 1,
                    IngestSettings.DEFAULT_SNAPSHOT_MODE, SinkConnectorConfig.DEFAULT_POLICY, RecordSizeLimit.DEFAULT,
                    IngestSettings.DEFAULT_CONTROL_SCHEMA, Map.of());
        }

        public Settings withTopicPartitions(int partitions) {
            return new Settings(bootstrapServers, registryUrl, source, tables, warehouses, workDir, partitions,
                    snapshotMode, schemaChangePolicy, recordSizeLimit, controlSchema, debeziumProperties);
        }

        public Settings withSnapshotMode(String mode) {
            return new Settings(bootstrapServers, registryUrl, source, tables, warehouses, workDir, topicPartitions,
                    mode, schemaChangePolicy, recordSizeLimit, controlSchema, debeziumProperties);
        }

        public Settings withSchemaChangePolicy(String policy) {
            return new Settings(bootstrapServers, registryUrl, source, tables, warehouses, workDir, topicPartitions,
                    snapshotMode, policy, recordSizeLimit, controlSchema, debeziumProperties);
        }

        /** {@code kafka.max.record.bytes}: ingest, the transforms, the Connect worker and the topics they create. */
        public Settings withRecordSizeLimit(RecordSizeLimit limit) {
            return new Settings(bootstrapServers, registryUrl, source, tables, warehouses, workDir, topicPartitions,
                    snapshotMode, schemaChangePolicy, limit, controlSchema, debeziumProperties);
        }

        /** A Debezium connector setting for ingest (e.g. {@code incremental.snapshot.chunk.size}). */
        public Settings withDebeziumProperty(String key, String value) {
            Map<String, String> more = new java.util.HashMap<>(debeziumProperties);
            more.put(key, value);
            return new Settings(bootstrapServers, registryUrl, source, tables, warehouses, workDir, topicPartitions,
                    snapshotMode, schemaChangePolicy, recordSizeLimit, controlSchema, Map.copyOf(more));
        }

        /** The source schema of ingest's signal and heartbeat tables. */
        public Settings withControlSchema(String schema) {
            return new Settings(bootstrapServers, registryUrl, source, tables, warehouses, workDir, topicPartitions,
                    snapshotMode, schemaChangePolicy, recordSizeLimit, schema, debeziumProperties);
        }
    }

    private final Settings settings;
    private final List<String> connectorNames = new CopyOnWriteArrayList<>();
    private IngestService ingest;
    private TransformService transforms;
    private ConnectWorker connect;
    private ResolvedTables tables;

    private ReplicationPipeline(Settings settings) {
        this.settings = settings;
    }

    /** The ingest settings this pipeline runs with (for preflight checks before start). */
    public static IngestSettings ingestSettings(Settings s) {
        return IngestSettings.builder()
                .sourceHost(s.source().host())
                .sourcePort(s.source().port())
                .database(s.source().database())
                .user(s.source().user())
                .password(s.source().password())
                .jdbcParameters(s.source().parameters())
                .tables(s.tables())
                .bootstrapServers(s.bootstrapServers())
                .schemaRegistryUrl(s.registryUrl())
                .topicPartitions(s.topicPartitions())
                .snapshotMode(s.snapshotMode())
                .recordSizeLimit(s.recordSizeLimit())
                .controlSchema(s.controlSchema())
                .debeziumProperties(s.debeziumProperties())
                // a second: drains and idle tables' freshness wait for the next heartbeat
                .heartbeatInterval(HEARTBEAT_INTERVAL)
                .build();
    }

    /**
     * Starts ingest (which checks the source first and fails with one sentence on bad setup),
     * then transforms, then the sink connectors.
     */
    public static ReplicationPipeline start(Settings settings) {
        ReplicationPipeline pipeline = new ReplicationPipeline(settings);
        try {
            pipeline.startServices();
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    private void startServices() {
        ingest = new IngestService(ingestSettings(settings));
        tables = ingest.start();
        // said once at start, not only in each dead-lettered record
        settings.warehouses().forEach(w -> w.namingProblems(tables.captured()).forEach(LOG::warn));
        transforms = new TransformService(TransformConfig.of(settings.bootstrapServers(), settings.registryUrl())
                .withStateDir(settings.workDir().resolve("streams"))
                .withRecordSizeLimit(settings.recordSizeLimit()));
        transforms.start();
        Map<String, String> worker = new HashMap<>(settings.recordSizeLimit().connectWorker());
        // the sink writes at every offset flush: this bounds how long a row waits for the warehouse
        worker.put("offset.flush.interval.ms", "250");
        worker.putAll(dev.sluice.cli.config.ServiceConfig.workerConfigProviders()); // resolves the sink's password reference
        SinkDeadLetterTopic.ensure(settings.bootstrapServers(), Map.of(), settings.recordSizeLimit());
        connect = ConnectWorker.start(settings.bootstrapServers(), settings.workDir().resolve("connect"), worker);
        for (int i = 0; i < settings.warehouses().size(); i++) {
            String name = SinkConnectorConfig.NAME + (i == 0 ? "" : "-" + (i + 1));
            startSink(name, settings.warehouses().get(i), settings.schemaChangePolicy());
        }
    }

    /**
     * Starts one more sink connector, or replaces a running (or failed) one's configuration, which restarts its task:
     * e.g. after schema.change.policy=fail stopped it, with another policy. Returns once its task runs.
     */
    public void startSink(String name, WarehouseTarget warehouse, String schemaChangePolicy) {
        connect.createConnector(name, SinkConnectorConfig.forWarehouse(warehouse, settings.registryUrl(), schemaChangePolicy));
        if (!connectorNames.contains(name)) {
            connectorNames.add(name);
        }
    }

    /**
     * Starts one more sink connector into {@code warehouse} for {@code topics} (outputs of pipeline specs run beside
     * this one), with this pipeline's schema change policy. Its consumer group counts in {@link #consumerGroups()},
     * so draining waits for it too. Two connectors may share a DuckDB file: the sink shares one instance per file.
     */
    public void startSink(String name, WarehouseTarget warehouse, List<String> topics) {
        connect.createConnector(name, SinkConnectorConfig.forTopics(warehouse, settings.registryUrl(),
                settings.schemaChangePolicy(), topics));
        if (!connectorNames.contains(name)) {
            connectorNames.add(name);
        }
    }

    /** As {@link #startSink(String, WarehouseTarget, List)}, for the topics {@code topicsRegex} matches. */
    public void startSinkMatching(String name, WarehouseTarget warehouse, String topicsRegex) {
        connect.createConnector(name, SinkConnectorConfig.forTopicsRegex(warehouse, settings.registryUrl(),
                settings.schemaChangePolicy(), topicsRegex));
        if (!connectorNames.contains(name)) {
            connectorNames.add(name);
        }
    }

    /**
     * Stops a sink connector: its task leaves its consumer group and writes no more (a rebuild's promotion needs
     * that); {@link #startSink} starts it again, from the offsets stored in the warehouse.
     */
    public void stopSink(String name) {
        connect.deleteConnector(name);
        connectorNames.remove(name);
    }

    /** The state of a sink connector's task ("RUNNING", "FAILED", ...) and its error trace, if any. */
    public org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo.TaskState sinkTask(String name) {
        return connect.connectorStatus(name).tasks().get(0);
    }

    /** {@code kafka.max.record.bytes} of this pipeline, for pipelines started beside it. */
    public RecordSizeLimit recordSizeLimit() {
        return settings.recordSizeLimit();
    }

    /** The initial load of the replicated tables: per table progress, and whether it is complete. */
    public InitialLoad initialLoad() {
        return ingest.initialLoad();
    }

    /** The tables being replicated, as the source preflight resolved them. */
    public List<String> tables() {
        return tables.captured().stream().map(TableId::toString).toList();
    }

    /** Tables left out because they have no primary key. */
    public List<String> skippedTables() {
        return tables.skippedWithoutKey().stream().map(TableId::toString).toList();
    }

    public List<String> consumerGroups() {
        List<String> groups = new ArrayList<>();
        groups.add(transforms.config().applicationId());
        connectorNames.forEach(n -> groups.add("connect-" + n));
        return groups;
    }

    public String connectRestUrl() {
        return connect.restUrl();
    }

    /**
     * The health probes of its stages: ingest, the replication transform, the Connect worker's connectors.
     *
     * @param closing true once the process is stopping (a Streams application closing is not a failure then)
     */
    public List<Stage> stages(Supplier<Boolean> closing) {
        return List.of(Stages.ingest(ingest),
                Stages.transform("transform", transforms, closing),
                Stages.connect(connect, () -> List.copyOf(connectorNames)));
    }

    /** A failure of a service that stopped on its own, if any. */
    public void throwIfFailed() {
        ingest.failure().ifPresent(t -> {
            throw new IllegalStateException("cdc-ingest stopped: " + t.getMessage(), t);
        });
    }

    /**
     * Waits until every warehouse holds every change the source committed before this call: the source's WAL
     * position is read now, and each replicated table's completeness frontier must reach it ({@link CompletionTarget}).
     * Call once the source stopped writing. Waits for the initial load of the tables first ({@link #initialLoad()}).
     * Fails fast when ingest stopped; gives up after {@code max} and returns false.
     */
    public boolean awaitDrained(Duration max) throws Exception {
        long loadDeadline = System.nanoTime() + max.toNanos();
        // the initial load first: rows of chunks not read yet get positions after any target read now, so the
        // frontier would pass the target while they are missing
        while (!ingest.initialLoad().complete()) {
            throwIfFailed();
            if (System.nanoTime() > loadDeadline) {
                return false;
            }
            Thread.sleep(250);
        }
        long lsn = SourcePosition.current(settings.source().jdbcUrl(), settings.source().user(), settings.source().password());
        long deadline = System.nanoTime() + max.toNanos();
        for (WarehouseTarget warehouse : settings.warehouses()) {
            // each warehouse names the tables its own way (table.name.format)
            CompletionTarget target = new CompletionTarget(lsn, tables.captured().stream().map(warehouse::tableFor)
                    .distinct().toList());
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            if (!FrontierWait.await(new WarehouseFrontier(warehouse), target, left, this::throwIfFailed)) {
                return false;
            }
        }
        return true;
    }

    /** The warehouse tables the replicated source tables land in (the first warehouse's table.name.format). */
    public List<String> warehouseTables() {
        WarehouseTarget warehouse = settings.warehouses().get(0);
        return tables.captured().stream().map(warehouse::tableFor).toList();
    }

    /** Stops the sink first, then transforms, then ingest, so each stops with its input idle. */
    @Override
    public void close() {
        // sink first, source last, each closed even when one before it fails: a service left running keeps its
        // ports, its slot or its DuckDB file lock
        CloseAll.inOrder(connect, transforms, ingest);
    }
}
