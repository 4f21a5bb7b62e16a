package dev.sluice.cli.chaos;

import dev.sluice.cli.demo.DemoSchema;
import dev.sluice.cli.demo.LoadGenerator;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseKind;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.reconcile.TableComparison;
import dev.sluice.cli.drain.CompletionTarget;
import dev.sluice.cli.drain.FrontierWait;
import dev.sluice.cli.drain.WarehouseFrontier;
import dev.sluice.cli.status.ConsumerLag;
import dev.sluice.sink.config.TableNameFormat;
import dev.sluice.embedded.LocalKafkaBroker;
import dev.sluice.embedded.PortCheck;
import dev.sluice.embedded.PostgresServer;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
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
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Crash consistency, shown rather than claimed: the three services run as separate processes
 * against one broker, registry and source; a shop workload writes inserts, updates and deletes
 * while a random service is killed with SIGKILL at random moments and restarted. Afterwards the
 * pipeline drains until the warehouse is complete up to the source position at which the load stopped,
 * and every table is compared between source and warehouse; a mismatched key is traced through the topics.
 */
public final class ChaosRun {

    /** What to run: how many kills over how long, at which load, into which warehouse. */
    public record Settings(int kills, Duration duration, int changesPerSecond, WarehouseKind warehouse,
                           Path workDir, long seed, List<String> victims) {

        public static final List<String> ALL_SERVICES = List.of("ingest", "transform", "connect");

        public Settings {
            victims = victims == null || victims.isEmpty() ? ALL_SERVICES : List.copyOf(victims);
            if (!ALL_SERVICES.containsAll(victims)) {
                throw new IllegalArgumentException("--victims takes ingest, transform and connect, not " + victims + ".");
            }
        }
    }

    /** How long a (re)started Connect worker runs before the drain may stop it again to read the DuckDB file. */
    private static final Duration WORKER_SETTLE = Duration.ofSeconds(15);

    private final Settings settings;
    private final PrintStream out;

    public ChaosRun(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public ChaosReport run() throws Exception {
        Files.createDirectories(settings.workDir());
        Random random = new Random(settings.seed());
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(settings.workDir().resolve("kafka"), PortCheck.freePort(),
                dev.sluice.schemas.kafka.RecordSizeLimit.DEFAULT.broker());
             PostgresServer postgres = PostgresServer.startThrowaway();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), 0)) {
            postgres.createDatabase("shop");
            postgres.createDatabase("warehouse");
            try (Connection c = postgres.connect("shop")) {
                DemoSchema.create(c);
            }
            WarehouseTarget warehouse = settings.warehouse().target(postgres, "warehouse", settings.workDir());
            List<ServiceProcess> services = services(broker.bootstrapServers(), registry.url(), postgres, warehouse);
            List<String> killed = new ArrayList<>();
            boolean complete;
            LoadGenerator load = new LoadGenerator(postgres.connect("shop"), settings.changesPerSecond(), settings.seed());
            try {
                for (ServiceProcess service : services) {
                    service.start();
                }
                load.start();
                out.printf("chaos: %d services started, load %d changes/s for %s, %d kills planned%n",
                        services.size(), settings.changesPerSecond(), settings.duration(), settings.kills());
                killAtRandom(services, killed, random);
                CompletionTarget target = DrainChecks.stopLoad(load, services.get(0), postgres, out, "chaos");
                complete = awaitComplete(broker.bootstrapServers(), services, warehouse, target, Duration.ofMinutes(5));
                out.println(complete ? "chaos: drained: every table's frontier reached the source position"
                        : "chaos: NOT drained within 5 minutes: " + shortfall(warehouse, target) + "; comparing anyway");
            } finally {
                load.close();
                for (ServiceProcess service : services) {
                    service.close();
                }
            }
            DrainChecks.Verdict verdict = DrainChecks.verdict(warehouse, broker.bootstrapServers(), postgres, out, "chaos");
            List<TableComparison> tables = verdict.tables();
            KeyTrace.printMismatches(tables, broker.bootstrapServers(), registry.url(), warehouse, out, "chaos");
            return new ChaosReport(load.changes(), killed.size(), killed, tables, verdict.offsetsMatch(), complete);
        }
    }

    private List<ServiceProcess> services(String bootstrap, String registryUrl, PostgresServer postgres, WarehouseTarget warehouse) {
        Path logs = settings.workDir();
        ServiceCommands commands = new ServiceCommands(bootstrap, registryUrl);
        return List.of(
                new ServiceProcess("ingest", commands.ingest(postgres, "shop", 1), logs.resolve("ingest.log")),
                new ServiceProcess("transform", commands.transform(logs.resolve("streams")), logs.resolve("transform.log")),
                new ServiceProcess("connect", commands.connect(warehouse, logs.resolve("connect")), logs.resolve("connect.log")));
    }

    /** Spreads the kills over the run at random moments; a service that died on its own is restarted too. */
    private void killAtRandom(List<ServiceProcess> services, List<String> killed, Random random) throws Exception {
        long start = System.nanoTime();
        long end = start + settings.duration().toNanos();
        long slot = settings.duration().toNanos() / (settings.kills() + 1);
        List<Long> killTimes = new ArrayList<>();
        for (int i = 1; i <= settings.kills(); i++) {
            killTimes.add(start + i * slot + (long) ((random.nextDouble() - 0.5) * slot));
        }
        int next = 0;
        while (System.nanoTime() < end) {
            Thread.sleep(200);
            for (ServiceProcess service : services) {
                if (!service.isAlive()) {
                    out.printf("chaos: %s exited on its own; restarting it (see %s.log)%n", service.name(), service.name());
                    service.start();
                }
            }
            if (next < killTimes.size() && System.nanoTime() >= killTimes.get(next)) {
                List<ServiceProcess> candidates = services.stream().filter(p -> settings.victims().contains(p.name())).toList();
                ServiceProcess victim = candidates.get(random.nextInt(candidates.size()));
                victim.kill();
                killed.add(victim.name());
                out.printf("chaos: kill %d/%d: SIGKILL %s at %ds; restarting it%n", next + 1, settings.kills(),
                        victim.name(), TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
                victim.start();
                next++;
            }
        }
    }

    private static String shortfall(WarehouseTarget warehouse, CompletionTarget target) {
        try {
            return target.shortfall(new WarehouseFrontier(warehouse).read(target.tables()));
        } catch (Exception e) {
            return "frontier unreadable while the sink holds the warehouse (" + e.getMessage() + ")";
        }
    }

    static List<String> warehouseTables() {
        TableNameFormat names = new TableNameFormat(TableNameFormat.DEFAULT);
        return DemoSchema.TABLES.stream().map(t -> names.tableFor(ReplicationSpec.DEFAULT_PIPELINE + "." + t)).toList();
    }

    /**
     * Waits until every table's completeness frontier in the warehouse reached the source position at which the load
     * stopped ({@link CompletionTarget}), restarting a service that died on its own. A PostgreSQL warehouse is read
     * while the sink runs. A DuckDB file admits one process, so once both consumer groups look caught up the worker is
     * stopped cleanly and the file read; if the frontier is short it is started again and the wait goes on. Only the
     * frontier decides; the lag just says when to look.
     */
    private boolean awaitComplete(String bootstrap, List<ServiceProcess> services, WarehouseTarget warehouse,
                                  CompletionTarget target, Duration max) throws Exception {
        WarehouseFrontier frontier = new WarehouseFrontier(warehouse);
        ServiceProcess connect = services.stream().filter(s -> s.name().equals("connect")).findFirst().orElseThrow();
        FrontierWait.Check restartDead = () -> {
            for (ServiceProcess service : services) {
                if (!service.isAlive()) {
                    service.start();
                }
            }
        };
        if (!warehouse.isDuckDb()) {
            return FrontierWait.await(frontier, target, max, restartDead);
        }
        List<String> groups = List.of("sluice-" + ReplicationSpec.DEFAULT_PIPELINE, "connect-" + SinkConnectorConfig.NAME);
        long deadline = System.nanoTime() + max.toNanos();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            ConsumerLag lag = new ConsumerLag(admin);
            int caughtUp = 0;
            long workerStarted = System.nanoTime();
            while (System.nanoTime() < deadline) {
                Thread.sleep(1000);
                restartDead.run();
                // heartbeats keep the topics growing, so "idle" is: both groups at their ends three times running;
                // a worker just (re)started gets time to join its group and find its topics (on a loaded machine
                // stopping it again at once would keep it from ever writing)
                boolean settled = System.nanoTime() - workerStarted > WORKER_SETTLE.toNanos();
                caughtUp = settled && lag.partitionsBehind(groups) == 0 ? caughtUp + 1 : 0;
                if (caughtUp >= 3) {
                    connect.close();
                    Map<String, Long> reached = frontier.read(target.tables());
                    if (target.reachedBy(reached)) {
                        return true;
                    }
                    out.println("chaos: caught up but not complete: " + target.shortfall(reached) + "; starting the worker again");
                    connect.start();
                    workerStarted = System.nanoTime();
                    caughtUp = 0;
                }
            }
        }
        return false;
    }
}
