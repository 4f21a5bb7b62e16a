package dev.sluice.cli.chaos;

import dev.sluice.cli.demo.DemoSchema;
import dev.sluice.cli.demo.LoadGenerator;
import dev.sluice.cli.drain.CompletionTarget;
import dev.sluice.cli.drain.FrontierWait;
import dev.sluice.cli.drain.WarehouseFrontier;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseKind;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.embedded.LocalKafkaBroker;
import dev.sluice.embedded.PortCheck;
import dev.sluice.embedded.PostgresServer;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.cli.status.ConsumerLag;
import dev.sluice.transforms.replicate.ReplicationSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scaling by partition, on real processes: under a steady shop load the transforms run at 1, then 3, then 1
 * instances and the Connect workers at 1, then 2, then 1, each instance its own JVM with its own state directory;
 * one new transform instance is SIGKILLed while its group rebalances. Each step prints the rows per second the
 * transforms made visible, the sink's rate, and the longest stall of each (the pause a rebalance caused). Then the
 * pipeline drains and every table is reconciled: nothing may be missing, extra or different.
 *
 * <p>The warehouse is PostgreSQL: a DuckDB file admits one writing process, so two workers cannot share it.
 * The workers are standalone Connect workers running the same connector, so their sink tasks share one consumer
 * group and split the row topics' partitions as a distributed cluster's tasks would.
 */
public final class ScaleRun {

    /** How long each step runs, the load, where logs go, how many partitions each change topic gets. */
    public record Settings(Duration step, int changesPerSecond, Path workDir, int partitions) {
    }

    /** One step's instance counts and what the timeline showed while it ran. */
    public record StepFigures(String label, int transforms, int workers, double seconds, ProgressTimeline.Span span,
                              long transformLag, long sinkLag) {
        String line() {
            return String.format("scale: %-38s | %3.0f s | transforms out %,7.0f rows/s | sink %,7.0f offsets/s"
                            + " | longest stall: transforms %4.1f s, sink %4.1f s | behind at the end: transforms %,d, sink %,d",
                    label, seconds, span.rowsPerSecond(), span.sinkPerSecond(), span.longestRowStallSeconds(),
                    span.longestSinkStallSeconds(), transformLag, sinkLag);
        }
    }

    /** The steps' figures and the reconciliation after them. */
    public record ScaleReport(List<StepFigures> steps, ChaosReport outcome) {
    }

    private final Settings settings;
    private final PrintStream out;
    /** The instances the current step runs: one that exits on its own is restarted. */
    private final java.util.Set<ServiceProcess> wanted = new java.util.LinkedHashSet<>();
    /** Records each group has yet to consume, read at the end of each step. */
    private ConsumerLag lag;
    /** Instances in each group: a step runs its time once they have joined. */
    private GroupMembers members;
    private static final String TRANSFORMS_GROUP = "sluice-" + ReplicationSpec.DEFAULT_PIPELINE;
    private static final String SINK_GROUP = "connect-" + SinkConnectorConfig.NAME;
    /** How long a step waits for its instances to join (JVM start, Connect's plugin scan, on a loaded machine). */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(90);

    public ScaleRun(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public ScaleReport run() throws Exception {
        Path dir = settings.workDir();
        Files.createDirectories(dir);
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir.resolve("kafka"), PortCheck.freePort(),
                dev.sluice.schemas.kafka.RecordSizeLimit.DEFAULT.broker());
             PostgresServer postgres = PostgresServer.startThrowaway();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), 0)) {
            postgres.createDatabase("shop");
            postgres.createDatabase("warehouse");
            try (Connection c = postgres.connect("shop")) {
                DemoSchema.create(c);
            }
            WarehouseTarget warehouse = WarehouseKind.postgres.target(postgres, "warehouse", dir);
            ServiceCommands commands = new ServiceCommands(broker.bootstrapServers(), registry.url());
            ServiceProcess ingest = new ServiceProcess("ingest", commands.ingest(postgres, "shop", settings.partitions()),
                    dir.resolve("ingest.log"));
            List<ServiceProcess> transforms = new ArrayList<>();
            List<ServiceProcess> workers = new ArrayList<>();
            for (int i = 1; i <= 3; i++) {
                transforms.add(new ServiceProcess("transform-" + i, commands.transform(dir.resolve("streams-" + i)),
                        dir.resolve("transform-" + i + ".log")));
            }
            for (int i = 1; i <= 2; i++) {
                workers.add(new ServiceProcess("connect-" + i, commands.connect(warehouse, dir.resolve("connect-" + i)),
                        dir.resolve("connect-" + i + ".log")));
            }
            List<ServiceProcess> all = new ArrayList<>(List.of(ingest));
            all.addAll(transforms);
            all.addAll(workers);
            List<StepFigures> steps = new ArrayList<>();
            List<String> killed = new ArrayList<>();
            boolean complete;
            LoadGenerator load = new LoadGenerator(postgres.connect("shop"), settings.changesPerSecond(), 20261204L);
            try (ProgressTimeline timeline = new ProgressTimeline(broker.bootstrapServers(), warehouse);
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                lag = new ConsumerLag(admin);
                members = new GroupMembers(admin);
                start(ingest);
                start(transforms.get(0));
                start(workers.get(0));
                load.start();
                timeline.start();
                out.printf("scale: load %d changes/s, %d partitions per change topic, steps of %s; logs in %s%n",
                        settings.changesPerSecond(), settings.partitions(), settings.step(), dir);
                awaitFirstRows(timeline);

                steps.add(step("1 transform, 1 worker", 1, 1, timeline, () -> { }));
                steps.add(step("3 transforms (1 SIGKILLed), 1 worker", 3, 1, timeline, () -> {
                    start(transforms.get(1));
                    start(transforms.get(2));
                    // killed before it joined, transform-2 would leave no trace in the group: wait for both to join
                    double joined = members.await(TRANSFORMS_GROUP, 3, SINK_GROUP, 1, JOIN_TIMEOUT, this::restartDead);
                    out.println(joined < 0 ? "scale: transform-2 and -3 did NOT both join within " + JOIN_TIMEOUT.toSeconds()
                            + " s; killing anyway" : String.format("scale: transform-2 and -3 joined after %.1f s", joined));
                    Thread.sleep(1000); // the group is rebalancing onto the new members now
                    transforms.get(1).kill();
                    killed.add(transforms.get(1).name());
                    out.println("scale: SIGKILL transform-2 while the group rebalances; restarting it");
                    transforms.get(1).start();
                }));
                steps.add(step("3 transforms, 2 workers", 3, 2, timeline, () -> start(workers.get(1))));
                steps.add(step("1 transform, 1 worker", 1, 1, timeline, () -> {
                    stop(transforms.get(1));
                    stop(transforms.get(2));
                    stop(workers.get(1));
                }));

                CompletionTarget target = DrainChecks.stopLoad(load, ingest, postgres, out, "scale");
                complete = FrontierWait.await(new WarehouseFrontier(warehouse), target, Duration.ofMinutes(5),
                        this::restartDead);
                out.println(complete ? "scale: drained: every table's frontier reached the source position"
                        : "scale: NOT drained within 5 minutes");
            } finally {
                load.close();
                for (ServiceProcess service : all) {
                    service.close();
                }
            }
            DrainChecks.Verdict verdict = DrainChecks.verdict(warehouse, broker.bootstrapServers(), postgres, out, "scale");
            KeyTrace.printMismatches(verdict.tables(), broker.bootstrapServers(), registry.url(), warehouse, out, "scale");
            steps.forEach(s -> out.println(s.line()));
            return new ScaleReport(steps, new ChaosReport(load.changes(), killed.size(), killed, verdict.tables(), verdict.offsetsMatch(), complete));
        }
    }

    /** A scale change, then the step's duration; its figures are taken from the moment of the change. */
    private StepFigures step(String label, int transforms, int workers, ProgressTimeline timeline, ScaleChange change)
            throws Exception {
        long start = System.nanoTime();
        change.apply();
        // the step's time counts once its instances are in their groups: started processes alone scale nothing
        double joined = members.await(TRANSFORMS_GROUP, transforms, SINK_GROUP, workers, JOIN_TIMEOUT, this::restartDead);
        out.println(joined < 0 ? String.format("scale: %s: the groups did NOT reach %d transform instances and %d sink tasks"
                + " within %d s", label, transforms, workers, JOIN_TIMEOUT.toSeconds())
                : String.format("scale: %s: groups at %d transform instances and %d sink tasks after %.1f s", label, transforms,
                workers, joined));
        long end = System.nanoTime() + settings.step().toNanos();
        while (System.nanoTime() < end) {
            Thread.sleep(500);
            restartDead();
        }
        StepFigures figures = new StepFigures(label, transforms, workers, (System.nanoTime() - start) / 1e9,
                timeline.span(start, System.nanoTime()), lag.of(List.of("sluice-" + ReplicationSpec.DEFAULT_PIPELINE)),
                lag.of(List.of("connect-" + SinkConnectorConfig.NAME)));
        out.println(figures.line());
        return figures;
    }

    private void start(ServiceProcess service) throws Exception {
        service.start();
        wanted.add(service);
    }

    /** A clean stop (SIGTERM): the instance commits and leaves its group. */
    private void stop(ServiceProcess service) throws Exception {
        wanted.remove(service);
        service.close();
    }

    /** Restarts an instance that should run but exited on its own. */
    private void restartDead() throws Exception {
        for (ServiceProcess service : wanted) {
            if (service.exitCode().isPresent()) {
                out.printf("scale: %s exited on its own (exit %d); restarting it (see %s.log)%n", service.name(),
                        service.exitCode().getAsInt(), service.name());
                service.start();
            }
        }
    }

    /** The first rows reach the row topics only once every service has started; the steps measure from there. */
    private void awaitFirstRows(ProgressTimeline timeline) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Thread.sleep(1000);
            restartDead();
            ProgressTimeline.Span span;
            try {
                span = timeline.span(since, System.nanoTime());
            } catch (IllegalStateException notYet) {
                continue;
            }
            if (span.sinkPerSecond() > 0) {
                return;
            }
        }
        throw new IllegalStateException("no row reached the warehouse within 3 minutes; see the service logs in "
                + settings.workDir());
    }

    @FunctionalInterface
    private interface ScaleChange {
        void apply() throws Exception;
    }
}
