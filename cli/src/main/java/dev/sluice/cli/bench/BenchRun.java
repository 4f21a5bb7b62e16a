package dev.sluice.cli.bench;

import dev.sluice.cli.local.ReplicationPipeline;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseKind;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.cli.status.ConsumerLag;
import dev.sluice.embedded.ConnectWorker;
import dev.sluice.embedded.LocalKafkaBroker;
import dev.sluice.embedded.PortCheck;
import dev.sluice.embedded.PostgresServer;
import dev.sluice.ingest.IngestService;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.transforms.runtime.TransformConfig;
import dev.sluice.transforms.runtime.TransformService;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Runs the pipeline, or one stage of it, against a generated workload on embedded infrastructure
 * and measures it. Stages other than {@code all} first fill their input topics with the upstream
 * stages (not timed), then time the stage alone working off that backlog, so a bottleneck has a name.
 */
public final class BenchRun {

    /** What to measure. {@code rate} 0 = flat out. */
    public record Settings(String stage, int rate, Duration duration, Duration warmUp, int rowWidth, int tables,
                           WarehouseKind warehouse, Path workDir) {
        public Settings {
            if (warmUp.compareTo(duration) >= 0) {
                throw new IllegalArgumentException("--warm-up (" + warmUp.toSeconds() + " s) must be shorter than --duration ("
                        + duration.toSeconds() + " s), so that a steady state is left to measure.");
            }
        }
    }

    /** {@code --initial-load ROWS}: the initial load of one table of {@code rows} rows, timed from the pipeline's start. */
    public InitialLoadBench.Result initialLoad(long rows, Map<String, String> debezium) throws Exception {
        MeterRegistry meters = BenchMeters.install();
        try (LocalKafkaBroker kafka = freshBroker();
             PostgresServer postgres = PostgresServer.startThrowaway();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0)) {
            postgres.createDatabase("bench");
            postgres.createDatabase("warehouse");
            WarehouseTarget warehouse = settings.warehouse().target(postgres, "warehouse", settings.workDir());
            List<String> table = BenchWorkload.tableNames(1);
            ReplicationPipeline.Settings pipeline = ReplicationPipeline.Settings.of(kafka.bootstrapServers(),
                    registry.url(),
                    new SourceUrl(postgres.host(), postgres.port(), "bench", postgres.user(), postgres.password()),
                    table, List.of(warehouse), settings.workDir());
            for (Map.Entry<String, String> e : debezium.entrySet()) {
                pipeline = pipeline.withDebeziumProperty(e.getKey(), e.getValue());
            }
            BenchWorkload workload = new BenchWorkload(() -> connect(postgres), 1, settings.rowWidth(), 0);
            workload.createTables();
            out.printf("bench: loading %,d rows into %s before the pipeline starts ...%n", rows, table.get(0));
            return InitialLoadBench.run(pipeline, table.get(0), rows, settings.rowWidth(), () -> connect(postgres), meters,
                    probe -> RunCpu.start(probe, "bench", "warehouse"));
        }
    }

    private static final String INGESTED = "sluice.ingest.changes";
    private static final String TRANSFORMED_IN = "sluice.transforms.records.in";
    private static final String TRANSFORMED_OUT = "sluice.transforms.records.out";

    private final Settings settings;
    private final PrintStream out;
    private Connection serverProbe;
    private RunCpu runCpu;

    public BenchRun(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public BenchReport run() throws Exception {
        MeterRegistry meters = BenchMeters.install();
        try (LocalKafkaBroker kafka = freshBroker();
             PostgresServer postgres = PostgresServer.startThrowaway();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
             Connection probe = postgres.connect("postgres")) {
            postgres.createDatabase("bench");
            postgres.createDatabase("warehouse");
            serverProbe = probe; // a backend of the server, to find its processes by
            WarehouseTarget warehouse = settings.warehouse().target(postgres, "warehouse", settings.workDir());
            ReplicationPipeline.Settings pipeline = ReplicationPipeline.Settings.of(kafka.bootstrapServers(),
                    registry.url(),
                    new SourceUrl(postgres.host(), postgres.port(), "bench", postgres.user(), postgres.password()),
                    BenchWorkload.tableNames(settings.tables()), List.of(warehouse), settings.workDir());
            BenchWorkload workload = new BenchWorkload(() -> connect(postgres), settings.tables(), settings.rowWidth(), settings.rate());
            workload.createTables();
            ConsumerLag lag = new ConsumerLag(admin);
            return switch (settings.stage()) {
                case "all" -> all(pipeline, workload, lag, meters);
                case "ingest" -> ingest(pipeline, workload, meters);
                case "transforms" -> transforms(pipeline, workload, lag, meters);
                case "sink" -> sink(pipeline, workload, warehouse, lag, meters);
                default -> throw new IllegalArgumentException("--stage must be all, ingest, transforms or sink, not '"
                        + settings.stage() + "'.");
            };
        }
    }

    private BenchReport all(ReplicationPipeline.Settings s, BenchWorkload workload, ConsumerLag lag, MeterRegistry meters) throws Exception {
        try (ReplicationPipeline pipeline = ReplicationPipeline.start(s)) {
            double cpu = startCpu();
            double load = ProcessResources.loadAverage();
            long start = System.nanoTime();
            LatencyWindows freshness = new LatencyWindows("sluice.sink.freshness", meters);
            List<Long> lagSamples = drive(workload, () -> lag.of(pipeline.consumerGroups()), freshness);
            double sourceSeconds = (System.nanoTime() - start) / 1e9;
            // exact: the warehouse is complete up to the source position where the workload stopped ...
            if (!pipeline.awaitDrained(Duration.ofMinutes(10))) {
                throw new IllegalStateException("the warehouse was not complete up to the source position within 10 minutes");
            }
            // ... and the end of the run is when the sink last wrote
            long done = awaitIdle(() -> BenchMeters.count(meters, "sluice.sink.rows.upserted")
                    + BenchMeters.count(meters, "sluice.sink.rows.deleted"), () -> lag.partitionsBehind(pipeline.consumerGroups()));
            freshness.end();
            return report(workload.changes(), (done - start) / 1e9, sourceSeconds, cpu, load, lagSamples, freshness, "freshness");
        }
    }

    private BenchReport ingest(ReplicationPipeline.Settings s, BenchWorkload workload, MeterRegistry meters) throws Exception {
        try (IngestService ingest = new IngestService(ReplicationPipeline.ingestSettings(s))) {
            ingest.start();
            double cpu = startCpu();
            double load = ProcessResources.loadAverage();
            long start = System.nanoTime();
            LatencyWindows latency = new LatencyWindows("sluice.ingest.latency", meters);
            List<Long> lagSamples = drive(workload, () -> workload.changes() - BenchMeters.count(meters, INGESTED),
                    latency);
            double sourceSeconds = (System.nanoTime() - start) / 1e9;
            long done = awaitCount(() -> BenchMeters.count(meters, INGESTED), workload.changes());
            latency.end();
            return report(workload.changes(), (done - start) / 1e9, sourceSeconds, cpu, load, lagSamples, latency,
                    "commit->Kafka ack");
        }
    }

    private BenchReport transforms(ReplicationPipeline.Settings s, BenchWorkload workload, ConsumerLag lag, MeterRegistry meters) throws Exception {
        fillChangeTopics(s, workload, meters);
        long backlog = BenchMeters.count(meters, INGESTED);
        try (TransformService transforms = new TransformService(TransformConfig.of(s.bootstrapServers(), s.registryUrl())
                .withStateDir(s.workDir().resolve("streams")))) {
            double cpu = startCpu();
            double load = ProcessResources.loadAverage();
            transforms.start();
            long start = awaitCount(() -> BenchMeters.count(meters, TRANSFORMED_IN), 1);
            long done = awaitCount(() -> BenchMeters.count(meters, TRANSFORMED_IN), backlog);
            return report(backlog, (done - start) / 1e9, Double.NaN, cpu, load, List.of(), null, "latency n/a (backlog)");
        }
    }

    private BenchReport sink(ReplicationPipeline.Settings s, BenchWorkload workload, WarehouseTarget warehouse,
                             ConsumerLag lag, MeterRegistry meters) throws Exception {
        fillChangeTopics(s, workload, meters);
        long changes = BenchMeters.count(meters, INGESTED);
        try (TransformService transforms = new TransformService(TransformConfig.of(s.bootstrapServers(), s.registryUrl())
                .withStateDir(s.workDir().resolve("streams")))) {
            transforms.start();
            awaitCount(() -> BenchMeters.count(meters, TRANSFORMED_IN), changes);
        }
        long rows = BenchMeters.count(meters, TRANSFORMED_OUT);
        out.printf("bench: %,d rows waiting on the row topics; starting the sink alone%n", rows);
        try (ConnectWorker connect = ConnectWorker.start(s.bootstrapServers(), s.workDir().resolve("connect"),
                benchWorker())) {
            double cpu = startCpu();
            double load = ProcessResources.loadAverage();
            LatencyWindows batches = new LatencyWindows("sluice.sink.batch.latency", meters);
            connect.createConnector(SinkConnectorConfig.NAME, SinkConnectorConfig.forWarehouse(warehouse, s.registryUrl()));
            LongSupplier written = () -> BenchMeters.count(meters, "sluice.sink.rows.upserted")
                    + BenchMeters.count(meters, "sluice.sink.rows.deleted");
            long start = awaitCount(written, 1);
            long done = awaitIdle(written, () -> lag.partitionsBehind(List.of("connect-" + SinkConnectorConfig.NAME)));
            batches.end();
            return report(rows, (done - start) / 1e9, Double.NaN, cpu, load, List.of(), batches, "batch latency");
        }
    }

    /** Runs the workload for the set duration with ingest, so the stage under test has a backlog. */
    private void fillChangeTopics(ReplicationPipeline.Settings s, BenchWorkload workload, MeterRegistry meters) throws Exception {
        try (IngestService ingest = new IngestService(ReplicationPipeline.ingestSettings(s))) {
            ingest.start();
            drive(workload, () -> 0, null);
            awaitCount(() -> BenchMeters.count(meters, INGESTED), workload.changes());
        }
        out.printf("bench: %,d changes waiting on the change topics%n", workload.changes());
    }

    /**
     * Runs the workload for the set duration, sampling lag once a second and printing progress. {@code latency}
     * (null for none) learns when the warm-up ends and when the lag first came down to one second of the target
     * rate after it (at least 1,000 records, the slack of "kept up"): the backlog of the start is worked off.
     */
    private List<Long> drive(BenchWorkload workload, LongSupplier lag, LatencyWindows latency) throws Exception {
        List<Long> samples = new ArrayList<>();
        workload.start();
        long begin = System.nanoTime();
        long end = begin + settings.duration().toNanos();
        boolean warm = false;
        long settledLag = Math.max(1000, settings.rate());
        while (System.nanoTime() < end) {
            Thread.sleep(1000);
            if (!warm && System.nanoTime() - begin >= settings.warmUp().toNanos()) {
                if (latency != null) {
                    latency.warmedUp();
                }
                warm = true;
            }
            samples.add(lag.getAsLong());
            long last = samples.get(samples.size() - 1);
            if (warm && latency != null && settings.rate() > 0 && last >= 0 && last <= settledLag) {
                latency.settled((System.nanoTime() - begin) / 1e9);
            }
            if (samples.size() % 10 == 0) {
                out.printf("bench: %ds, %,d source changes, lag %,d%n", samples.size(), workload.changes(), last);
            }
        }
        workload.close();
        return samples;
    }

    /** The moment a counter reached a value (gives up after ten minutes). */
    private static long awaitCount(LongSupplier counter, long target) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (counter.getAsLong() < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the stage did not reach " + target + " records within 10 minutes (at "
                        + counter.getAsLong() + ")");
            }
            Thread.sleep(20);
        }
        return System.nanoTime();
    }

    /** The moment a counter last moved, once it has stood still for 3 s with nothing left behind. */
    private static long awaitIdle(LongSupplier counter, LongSupplier partitionsBehind) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        long last = counter.getAsLong();
        long lastMoved = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(20);
            long now = counter.getAsLong();
            if (now != last) {
                last = now;
                lastMoved = System.nanoTime();
            } else if (System.nanoTime() - lastMoved > Duration.ofSeconds(3).toNanos() && partitionsBehind.getAsLong() == 0) {
                return lastMoved;
            }
        }
        throw new IllegalStateException("the pipeline did not drain within 10 minutes");
    }

    /** Starts the CPU clocks of the run (the process's, each thread's, the PostgreSQL server's); the process's now. */
    private double startCpu() {
        runCpu = RunCpu.start(serverProbe, "bench", "warehouse");
        return ProcessResources.cpuSeconds();
    }

    /** @param latency the stage's latency over warm-up, steady state and whole run; null where there is none */
    private BenchReport report(long changes, double seconds, double sourceSeconds, double cpuBefore, double loadAtStart,
                               List<Long> lagSamples, LatencyWindows latency, String latencyMeaning) {
        double cpu = ProcessResources.cpuSeconds() - cpuBefore;
        double sourceRate = Double.isNaN(sourceSeconds) ? Double.NaN : changes / sourceSeconds;
        return new BenchReport(settings.stage(), settings.warehouse().name(), settings.tables(), settings.rowWidth(),
                settings.rate(), seconds, changes, changes / seconds, sourceRate, settings.warmUp().toMillis() / 1000.0,
                latency == null ? Percentiles.NONE : latency.warmUp(),
                latency == null ? Percentiles.NONE : latency.steadyState(),
                latency == null ? Double.NaN : latency.afterBacklogFromSeconds(),
                latency == null ? Percentiles.NONE : latency.afterBacklog(),
                latency == null ? Percentiles.NONE : latency.wholeRun(), latencyMeaning, lagSamples,
                Double.isNaN(sourceRate) ? null : BenchReport.keptUp(lagSamples, sourceRate),
                cpu / changes * 1000, ProcessResources.peakRssMiB(), loadAtStart, ProcessResources.loadAverage(),
                runCpu == null ? Map.of() : runCpu.perThousand(changes));
    }

    private static Connection connect(PostgresServer postgres) {
        try {
            return postgres.connect("bench");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to the benchmark database: " + e.getMessage(), e);
        }
    }

    private LocalKafkaBroker freshBroker() throws java.io.IOException {
        return freshBroker(settings.workDir());
    }

    /** A new single-node broker in the work directory: a bench starts from empty topics every time. */
    public static LocalKafkaBroker freshBroker(Path workDir) throws java.io.IOException {
        Path logs = java.nio.file.Files.createTempDirectory(java.nio.file.Files.createDirectories(workDir),
                "kafka-");
        return LocalKafkaBroker.start(logs, PortCheck.freePort(),
                dev.sluice.schemas.kafka.RecordSizeLimit.DEFAULT.broker());
    }

    /** The sink worker of the sink-only stage: as local mode's (record size limit, 250 ms offset flush). */
    private static Map<String, String> benchWorker() {
        Map<String, String> worker = new java.util.HashMap<>(dev.sluice.schemas.kafka.RecordSizeLimit.DEFAULT.connectWorker());
        worker.put("offset.flush.interval.ms", "250");
        worker.putAll(dev.sluice.cli.config.ServiceConfig.workerConfigProviders()); // resolves the sink's password reference
        return worker;
    }
}
