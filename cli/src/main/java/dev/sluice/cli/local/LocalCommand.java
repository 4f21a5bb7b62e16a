package dev.sluice.cli.local;

import dev.sluice.cli.demo.DemoPipelines;
import dev.sluice.cli.demo.DemoSchema;
import dev.sluice.cli.demo.LoadGenerator;
import dev.sluice.cli.config.ConfigFileOption;
import dev.sluice.cli.config.Section;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.cli.http.Health;
import dev.sluice.cli.http.HttpOptions;
import dev.sluice.cli.http.ServiceHttpServer;
import dev.sluice.cli.http.ServiceMetrics;
import dev.sluice.cli.http.StageStatus;
import dev.sluice.cli.http.Stages;
import dev.sluice.cli.lineage.LineageSettings;
import dev.sluice.cli.lineage.LocalLineage;
import dev.sluice.cli.lineage.ServiceLineage;
import dev.sluice.cli.live.LivePage;
import dev.sluice.cli.live.LocalView;
import dev.sluice.cli.live.PipelineFlow;
import dev.sluice.cli.live.QueryBox;
import dev.sluice.cli.reconcile.Reconciler;
import dev.sluice.schemas.registry.RestSchemaRegistryClient;
import dev.sluice.ingest.load.TableLoadProgress;
import dev.sluice.ingest.source.TableId;
import dev.sluice.cli.reconcile.TableComparison;
import dev.sluice.cli.service.ServiceLifetime;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.cli.spec.LocalSpecs;
import dev.sluice.cli.status.ConsumerLag;
import dev.sluice.cli.status.PipelineCounters;
import dev.sluice.cli.status.StatusLine;
import dev.sluice.embedded.LocalKafkaBroker;
import dev.sluice.embedded.PostgresServer;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.schemas.kafka.RecordSizeLimit;
import dev.sluice.ingest.source.SourcePreflight;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import io.micrometer.core.instrument.Metrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import dev.sluice.sink.config.SchemaChangePolicy;
import org.apache.kafka.common.config.AbstractConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code sluice local}: the whole pipeline in one JVM on embedded defaults, under {@code ./.sluice/}.
 * Everything it keeps (broker log, demo database, stream state, warehouse) survives a restart, so
 * running it again resumes where it stopped.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline locally: Kafka, PostgreSQL with a demo shop and load (or your own database),",
                "schema registry, cdc-ingest, stream-transforms and a Connect worker writing into DuckDB."})
public final class LocalCommand implements Callable<Integer> {
    /** The help of every --table-name-format: the sink's table.name.format. */
    public static final String TABLE_NAME_FORMAT_HELP = "Warehouse table of each source table: $${table} (default) or "
            + "$${schema}_$${table} when two schemas hold tables of one name; a table is never shared, a second source "
            + "table that maps to it goes to the dead-letter topic.";


    @Option(names = "--source-url", paramLabel = "postgresql://USER@HOST:PORT/DB",
            description = "Replicate this PostgreSQL database instead of the demo (no password in the URL: local.source.password in "
                    + "--config, else PGPASSWORD).")
    String sourceUrl;

    @Option(names = "--tables", split = ",", paramLabel = "SCHEMA.TABLE",
            description = "Tables to replicate (default: every table with a primary key).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--warehouse", paramLabel = "JDBC_URL",
            description = "jdbc:duckdb:FILE or jdbc:postgresql://HOST:PORT/DB (default: DuckDB at <home>/warehouse.duckdb; no "
                    + "password in the URL: local.warehouse.password in --config, else PGPASSWORD).")
    String warehouse;

    @Option(names = "--schema-change-policy", paramLabel = "POLICY",
            converter = SchemaChangePolicyOption.class, description = SchemaChangePolicyOption.DESCRIPTION)
    String schemaChangePolicy;

    @Option(names = "--history", split = ",", paramLabel = "TABLES",
            description = "Warehouse tables that also keep an SCD type 2 history in <table>_history, e.g. orders,customers.")
    List<String> history = new ArrayList<>();

    @Option(names = "--table-name-format", paramLabel = "FORMAT", description = TABLE_NAME_FORMAT_HELP)
    String tableNameFormat;

    @Option(names = "--exit-after", paramLabel = "DURATION", converter = DurationOption.class,
            description = "Stop the load after this long (e.g. 90s), let the pipeline drain, then exit.")
    Duration exitAfter;

    @Option(names = "--reconcile", description = "After draining, compare every replicated table between source and warehouse.")
    boolean reconcile;

    @Option(names = "--home", description = "Where local mode keeps its state (default: .sluice for the demo, "
            + ".sluice/<database>-<host>-<port> for --source-url).")
    Path home;

    @Option(names = "--kafka-port", description = "Kafka listener port (default: 9092).")
    Integer kafkaPort;

    @Option(names = "--max-record-bytes", paramLabel = "BYTES", description = "The largest record (a row's change) "
            + "Sluice carries: the local broker, every client and topic allow it (default 64 MiB; or "
            + "kafka.max.record.bytes in --config, SLUICE_KAFKA_MAX_RECORD_BYTES).")
    Long maxRecordBytes;

    @Option(names = "--registry-port", description = "Schema registry port (default: 8081).")
    Integer registryPort;

    @Option(names = "--postgres-port",
            description = "Port of the demo PostgreSQL (default: 5433, beside a server you may run on 5432).")
    Integer postgresPort;

    @Option(names = "--snapshot-mode", paramLabel = "MODE",
            description = "Snapshot mode: initial (default: existing rows in resumable chunks while changes stream), never or no_data"
                    + " (changes only), when_needed, initial_only, always (Debezium's blocking snapshot).")
    String snapshotMode;

    @Option(names = "--rate", description = "Demo load in changes per second (default: 200).")
    Integer rate;

    @Option(names = "--status-interval", converter = DurationOption.class,
            description = "How often to print the status line (default: 5s).")
    Duration statusInterval;

    @Option(names = "--spec", paramLabel = "PATH",
            description = "Also run this pipeline spec (YAML, or a directory of *.yaml/*.yml specs; repeatable) beside "
                    + "replication, its outputs into the warehouse.")
    List<Path> specs = new ArrayList<>();
    @Mixin
    HttpOptions http;

    @Mixin
    ConfigFileOption config;

    private final PrintStream out = System.out;
    private final AtomicBoolean closing = new AtomicBoolean();
    private Health health;
    private volatile ServiceLineage lineage = ServiceLineage.off();
    private LivePage page;
    private RecordSizeLimit recordSizeLimit = RecordSizeLimit.DEFAULT;

    @Override
    public Integer call() throws Exception {
        ConfigFileOption.Flags flags = new ConfigFileOption.Flags()
                .put(Section.LOCAL, "source.url", sourceUrl)
                .put(Section.LOCAL, "tables", tables)
                .put(Section.LOCAL, "warehouse", warehouse)
                .put(Section.LOCAL, "schema.change.policy", schemaChangePolicy)
                .put(Section.LOCAL, "history.tables", history)
                .put(Section.LOCAL, "table.name.format", tableNameFormat)
                .put(Section.LOCAL, "snapshot.mode", snapshotMode)
                .put(Section.LOCAL, "home", home)
                .put(Section.LOCAL, "kafka.port", kafkaPort)
                .put(Section.LOCAL, "registry.port", registryPort)
                .put(Section.LOCAL, "postgres.port", postgresPort)
                .put(Section.LOCAL, "rate", rate)
                .put(Section.LOCAL, "status.interval.ms", statusInterval == null ? null : statusInterval.toMillis());
        http.addTo(flags);
        // local mode runs its own broker: of the kafka section it reads only max.record.bytes (the placeholder
        // address satisfies the section's required setting and is never used)
        flags.put(Section.KAFKA, "bootstrap.servers", "localhost:" + (kafkaPort == null ? 9092 : kafkaPort))
                .put(Section.KAFKA, RecordSizeLimit.SETTING, maxRecordBytes);
        ServiceConfig all = flags.load(config.file, Section.HTTP, Section.LOCAL, Section.LINEAGE, Section.KAFKA);
        recordSizeLimit = all.recordSizeLimit();
        AbstractConfig settings = all.get(Section.LOCAL);
        sourceUrl = settings.getString("source.url");
        tables = new ArrayList<>(settings.getList("tables"));
        warehouse = settings.getString("warehouse");
        history = new ArrayList<>(settings.getList("history.tables"));
        schemaChangePolicy = SchemaChangePolicy.parse(settings.getString("schema.change.policy")).configValue();
        snapshotMode = settings.getString("snapshot.mode");
        home = settings.getString("home") == null ? null : Path.of(settings.getString("home"));
        kafkaPort = settings.getInt("kafka.port");
        registryPort = settings.getInt("registry.port");
        postgresPort = settings.getInt("postgres.port");
        rate = settings.getInt("rate");
        statusInterval = Duration.ofMillis(settings.getLong("status.interval.ms"));
        int httpPort = all.get(Section.HTTP).getInt("port");
        LocalSpecs userSpecs = LocalSpecs.load(specs, sourceUrl == null);
        SourceUrl sourceForUser = sourceUrl == null ? null : SourceUrl.parse(sourceUrl);
        if (sourceForUser != null && settings.getPassword("source.password") != null) {
            sourceForUser = sourceForUser.withPassword(settings.getPassword("source.password").value());
        }
        if (home == null) {
            home = sourceForUser == null ? Path.of(".sluice")
                    : Path.of(".sluice", sourceForUser.database() + "-" + sourceForUser.host() + "-" + sourceForUser.port());
        }
        HomeDirectory.claim(home, sourceForUser == null ? "demo" : sourceForUser.display());
        WarehouseTarget target = WarehouseTarget.parse(warehouse, home.resolve("warehouse.duckdb"))
                .withCredentials(settings.getString("warehouse.user"),
                        settings.getPassword("warehouse.password") == null ? null : settings.getPassword("warehouse.password").value())
                .withHistory(history)
                .withTableNameFormat(settings.getString("table.name.format"));
        target.check();
        ServiceMetrics.prometheus(); // every service below records into the global registry, scraped at /metrics
        if (sourceForUser != null) {
            // Judge the user's database before anything is started or written.
            new SourcePreflight(ReplicationPipeline.ingestSettings(replication("localhost:" + kafkaPort,
                    "http://localhost:" + registryPort, sourceForUser, target))).checkSource();
        }
        HomeDirectory.create(home, sourceForUser == null ? "demo" : sourceForUser.display());

        List<AutoCloseable> running = new ArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            closing.set(true);
            out.println("Stopping Sluice ...");
            closeAll(running);
            stopped.countDown();
        }, "sluice-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            SourceUrl source = sourceForUser;
            PostgresServer demoDatabase = null;
            if (source == null) {
                demoDatabase = PostgresServer.startPersistent(home.resolve("postgres"), postgresPort);
                running.add(demoDatabase);
                demoDatabase.createDatabase("shop");
                try (Connection c = demoDatabase.connect("shop")) {
                    DemoSchema.create(c);
                }
                source = new SourceUrl(demoDatabase.host(), demoDatabase.port(), "shop", demoDatabase.user(), demoDatabase.password());
                if (tables.isEmpty()) {
                    tables = DemoSchema.TABLES;
                }
            }
            LocalKafkaBroker broker = LocalKafkaBroker.start(home.resolve("kafka"), kafkaPort, recordSizeLimit.broker());
            running.add(broker);
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), registryPort);
            running.add(registry);
            health = new Health(List.of(Stages.registry(registry)));

            ReplicationPipeline pipeline = ReplicationPipeline.start(replication(broker.bootstrapServers(), registry.url(),
                    source, target));
            running.add(pipeline);
            pipeline.stages(closing::get).forEach(health::add);
            // the demo's own pipelines need every demo table (they join products, orders and customers)
            boolean shop = demoDatabase != null && tables.equals(DemoSchema.TABLES);
            List<PipelineFlow> flows = new ArrayList<>(List.of(replicationFlow(pipeline)));
            if (shop) {
                DemoPipelines demoPipelines = DemoPipelines.start(DemoPipelines.specs(), broker.bootstrapServers(),
                        registry.url(), home.toAbsolutePath().resolve("shop"), DemoPipelines.environment(System::getenv),
                        recordSizeLimit);
                running.add(demoPipelines);
                demoPipelines.services().forEach(s -> health.add(
                        Stages.transform(s.config().pipelineName(), s, closing::get)));
                pipeline.startSink(SinkConnectorConfig.NAME + "-shop", target, DemoPipelines.WAREHOUSE_TOPICS);
                flows.addAll(demoFlows(demoPipelines));
            }

            userSpecs.start(pipeline, running, broker.bootstrapServers(), registry.url(), home.toAbsolutePath(), target, out);

            LoadGenerator load = null;
            if (demoDatabase != null) {
                load = new LoadGenerator(demoDatabase.connect("shop"), rate, System.nanoTime());
                running.add(load);
            }
            LocalView view = new LocalView(new LocalView.Parts(source, pipeline.tables(), target, broker.bootstrapServers(),
                    flows, () -> pipeline.consumerGroups().stream().filter(g -> g.startsWith("connect-")).toList(),
                    () -> pipeline.initialLoad().progress(), shop ? "revenue" : null));
            page = new LivePage("sluice local", health, view, new QueryBox(view.warehouse()));
            // local mode is one user's machine: nothing of it is reachable from the network
            ServiceHttpServer server = ServiceHttpServer.startOnLoopback(httpPort, ServiceMetrics.prometheus(), health, page);
            running.add(0, server); // closed last: /health says "stopping" while the rest stops
            // added last, so closed first: COMPLETE is sent while the warehouse still answers for the frontier
            lineage = ServiceLineage.start(LineageSettings.from(all),
                    Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                    new RestSchemaRegistryClient(registry.url(), ServiceLineage.REGISTRY_RETRY),
                    LocalLineage.jobs(source, pipeline, shop, userSpecs.specs(), target));
            running.add(lineage);
            new LocalBanner(out, rate).print(broker, registry, source, target, pipeline, load != null, shop, server);
            lineage.describe().ifPresent(where -> out.println("  Lineage           " + where));
            if (load != null) {
                load.start();
            }
            int code = runUntilDone(pipeline, broker, load, stopped, source, target, running);
            detach(hook);
            return code;
        } catch (RuntimeException e) {
            if (stopped.getCount() == 0) {
                return 0; // stopped by Ctrl-C while starting: not an error
            }
            detach(hook);
            lineage.fail("sluice local stops: " + e.getMessage(), e); // before closeAll, whose close would COMPLETE
            closeAll(running);
            throw e;
        }
    }

    private int runUntilDone(ReplicationPipeline pipeline, LocalKafkaBroker broker, LoadGenerator load,
                             CountDownLatch stopped, SourceUrl source, WarehouseTarget target,
                             List<AutoCloseable> running) throws Exception {
        long deadline = exitAfter == null ? Long.MAX_VALUE : System.nanoTime() + exitAfter.toNanos();
        Set<TableId> loadsReported = new HashSet<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            ConsumerLag lag = new ConsumerLag(admin);
            PipelineCounters before = PipelineCounters.read(Metrics.globalRegistry);
            long beforeAt = System.nanoTime();
            long nextStatus = System.nanoTime() + statusInterval.toNanos();
            while (System.nanoTime() < deadline) {
                // health every second whatever the status interval: a broken stage stops the process within seconds
                long wait = Math.min(Math.min(1000, statusInterval.toMillis()),
                        Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                if (stopped.await(wait, TimeUnit.MILLISECONDS)) {
                    return 0;
                }
                Optional<StageStatus> failed = health.firstFailed();
                if (failed.isPresent()) {
                    return stopBecause(failed.get(), running);
                }
                if (System.nanoTime() < nextStatus) {
                    continue;
                }
                nextStatus = System.nanoTime() + statusInterval.toNanos();
                PipelineCounters now = PipelineCounters.read(Metrics.globalRegistry);
                out.println(StatusLine.format(now, before, (System.nanoTime() - beforeAt) / 1e9,
                        load == null ? -1 : load.changes(), lag.of(pipeline.consumerGroups()), pipeline.initialLoad().progress()));
                printLoadsCompleted(pipeline, loadsReported);
                before = now;
                beforeAt = System.nanoTime();
            }
            if (load != null) {
                load.close();
                out.printf("Load generator stopped after %,d changes; draining the pipeline ...%n", load.changes());
            } else {
                out.println("Draining the pipeline ...");
            }
            // a large initial load may outlast the drain's budget: wait for it first, with progress, as long as it runs
            while (!pipeline.initialLoad().complete()) {
                if (stopped.await(statusInterval.toMillis(), TimeUnit.MILLISECONDS)) {
                    return 0;
                }
                Optional<StageStatus> failed = health.firstFailed();
                if (failed.isPresent()) {
                    return stopBecause(failed.get(), running);
                }
                printLoadsCompleted(pipeline, loadsReported);
                out.println("Waiting for the initial load: " + pipeline.initialLoad().progress().stream()
                        .filter(p -> !p.done()).map(TableLoadProgress::line).collect(java.util.stream.Collectors.joining("; ")));
            }
            printLoadsCompleted(pipeline, loadsReported);
            boolean drained = pipeline.awaitDrained(Duration.ofMinutes(5));
            PipelineCounters last = PipelineCounters.read(Metrics.globalRegistry);
            out.println(StatusLine.format(last, before, (System.nanoTime() - beforeAt) / 1e9,
                    load == null ? -1 : load.changes(), lag.of(pipeline.consumerGroups())));
            out.println(drained ? "Drained: every replicated table is complete up to the source position at which writing stopped."
                    : "The warehouse was not complete up to the source position after 5 minutes of draining.");
        }
        List<String> replicated = pipeline.tables();
        lineage.close(); // COMPLETE with the drained frontier, while the sink still runs
        page.close(); // it reads the warehouse: stopped first, so nothing holds the file when the sink lets it go
        // The warehouse must be closed by the sink before it can be read (DuckDB: one process, one writer).
        pipeline.close();
        running.remove(pipeline);
        int code = 0;
        if (reconcile) {
            out.println("Reconciling source and warehouse:");
            List<TableComparison> results = new Reconciler(source.jdbcUrl(), source.user(), source.password(),
                    target.jdbcUrl(), target.user(), target.password(), target::tableFor).compare(replicated);
            results.forEach(r -> out.println("  " + r.line()));
            if (results.isEmpty()) {
                System.err.println(Reconciler.NOTHING_COMPARED);
            }
            boolean ok = Reconciler.allMatch(results);
            out.println(ok ? "Reconcile: source and warehouse are equal." : "Reconcile: source and warehouse DIFFER.");
            code = ok ? 0 : 1;
        }
        closeAll(running);
        return code;
    }

    /** One line per table whose initial load completed since the last call. */
    private void printLoadsCompleted(ReplicationPipeline pipeline, Set<TableId> reported) {
        for (TableLoadProgress p : pipeline.initialLoad().progress()) {
            if (p.done() && reported.add(p.table())) {
                out.println(p.completionLine());
            }
        }
    }

    /** A stage stopped working: one sentence, everything stopped, exit code 1 (the JVM halts if stopping hangs). */
    private int stopBecause(StageStatus failed, List<AutoCloseable> running) {
        String sentence = ServiceLifetime.stopSentence("sluice local", failed);
        System.err.println(sentence);
        if (page != null) {
            page.publishStages(); // open pages show the failed stage and its sentence before the process stops
        }
        ServiceLifetime.haltLater(ServiceLifetime.HALT_AFTER);
        lineage.fail(sentence, null);
        closing.set(true);
        closeAll(running);
        return 1;
    }

    /** The replication pipeline as the live page draws it: every change topic into its row topic. */
    private static PipelineFlow replicationFlow(ReplicationPipeline pipeline) {
        return new PipelineFlow(ReplicationPipeline.PIPELINE, "transform", pipeline.consumerGroups().get(0),
                pipeline.tables().stream().map(t -> "sluice." + t).toList(),
                pipeline.tables().stream().map(t -> ReplicationPipeline.PIPELINE + "." + t).toList());
    }

    /** The demo's pipelines as the live page draws them, from their specs. */
    private static List<PipelineFlow> demoFlows(DemoPipelines demo) {
        List<PipelineFlow> flows = new ArrayList<>();
        for (var service : demo.services()) {
            var spec = service.config().pipeline();
            flows.add(new PipelineFlow(spec.pipeline(), service.config().pipelineName(), service.config().applicationId(),
                    spec.source().topics(), spec.source().topics().stream().map(spec.output()::topicFor).distinct().toList()));
        }
        return flows;
    }

    /** Removes the shutdown hook unless the JVM is already running it (after Ctrl-C). */
    private static void detach(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is stopping everything; nothing left to do here
        }
    }

    /** Stops in reverse start order; safe to call from the shutdown hook and the main thread at once. */
    private static void closeAll(List<AutoCloseable> running) {
        synchronized (running) {
            for (int i = running.size() - 1; i >= 0; i--) {
                try {
                    running.get(i).close();
                } catch (Exception e) {
                    System.err.println("while stopping: " + e.getMessage());
                }
            }
            running.clear();
        }
    }

    /** This run's replication settings: the source preflight and the start build them alike. */
    private ReplicationPipeline.Settings replication(String bootstrapServers, String registryUrl, SourceUrl source,
                                                     WarehouseTarget target) {
        return ReplicationPipeline.Settings.of(bootstrapServers, registryUrl, source, tables, List.of(target),
                home.toAbsolutePath()).withSnapshotMode(snapshotMode).withSchemaChangePolicy(schemaChangePolicy)
                .withRecordSizeLimit(recordSizeLimit);
    }
}
