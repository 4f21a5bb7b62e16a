package dev.sluice.cli.chaos;

import dev.sluice.cli.local.DurationOption;
import dev.sluice.cli.local.WarehouseKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sluice chaos}: kill services at random during a workload, then prove the warehouse equals the source. */
@Command(name = "chaos", mixinStandardHelpOptions = true,
        description = {"Run ingest, transform and connect as separate processes under a shop workload, SIGKILL a",
                "random one at random moments (restarting it), drain, and reconcile source and warehouse.",
                "Exit code 0 only when no row is missing, extra or different."})
public final class ChaosCommand implements Callable<Integer> {

    @Option(names = "--kills", defaultValue = "10", description = "How many SIGKILLs (default: ${DEFAULT-VALUE}).")
    int kills;

    @Option(names = "--duration", defaultValue = "5m", converter = DurationOption.class,
            description = "How long the workload runs; kills are spread over it (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--rate", defaultValue = "500", description = "Workload in changes per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--warehouse", defaultValue = "postgres", description = "postgres or duckdb (default: ${DEFAULT-VALUE}).")
    WarehouseKind warehouse;

    @Option(names = "--work-dir", description = "Where the run keeps its state and the services' logs (default: a new temp dir).")
    Path workDir;

    @Option(names = "--victims", split = ",", paramLabel = "SERVICE",
            description = "Which services may be killed: ingest, transform, connect (default: all three).")
    List<String> victims = new ArrayList<>();

    @Option(names = "--seed", description = "Random seed, to repeat a run's kill schedule (default: random).")
    Long seed;

    @Option(names = "--repeat", paramLabel = "N",
            description = "Soak: run every scenario into every warehouse N times (seeds seed, seed+1, ...), one line per run and"
                    + " a total; exit 0 only when every run passed.")
    Integer repeat;

    @Option(names = "--scenarios", split = ",", defaultValue = "connect,transform,ingest,all", paramLabel = "SCENARIO",
            description = "With --repeat: which services a scenario kills: connect, transform, ingest, all (default: ${DEFAULT-VALUE}).")
    List<String> scenarios;

    @Option(names = "--warehouses", split = ",", defaultValue = "duckdb,postgres", paramLabel = "KIND",
            description = "With --repeat: the warehouses to run each scenario into (default: ${DEFAULT-VALUE}).")
    List<WarehouseKind> warehouses;

    @Option(names = "--scale",
            description = "Instead of random kills: run the transforms at 1, 3, 1 instances and the Connect workers at 1, 2, 1"
                    + " (each its own JVM; one transform SIGKILLed during a rebalance) under the load, print each step's"
                    + " throughput and rebalance stalls, then drain and reconcile (PostgreSQL warehouse).")
    boolean scale;

    @Option(names = "--step", defaultValue = "60s", converter = DurationOption.class,
            description = "With --scale: how long each step runs (default: ${DEFAULT-VALUE}).")
    Duration step;

    @Option(names = "--partitions", defaultValue = "3",
            description = "With --scale: partitions of each change topic, the most instances that get work (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public Integer call() throws Exception {
        Path dir = workDir != null ? workDir : Files.createTempDirectory("sluice-chaos-");
        long actualSeed = seed != null ? seed : System.nanoTime() % 1_000_000;
        if (scale) {
            ScaleRun.ScaleReport report = new ScaleRun(new ScaleRun.Settings(step, rate, dir, partitions), System.out).run();
            System.out.println(report.outcome().summary());
            return report.outcome().passed() ? 0 : 1;
        }
        if (repeat != null) {
            if (repeat < 1) {
                throw new IllegalArgumentException("--repeat must be at least 1, not " + repeat + ".");
            }
            System.out.println("chaos soak: runs kept in " + dir + " when they fail (seeds from " + actualSeed + ")");
            List<ChaosSoak.Scenario> parsed = scenarios.stream().map(ChaosSoak.Scenario::parse).toList();
            return new ChaosSoak(new ChaosSoak.Settings(repeat, parsed, warehouses, kills, duration, rate, actualSeed, dir),
                    System.out).run() ? 0 : 1;
        }
        System.out.println("chaos: state and service logs in " + dir + " (seed " + actualSeed + ")");
        ChaosReport report = new ChaosRun(new ChaosRun.Settings(kills, duration, rate, warehouse, dir, actualSeed, victims),
                System.out).run();
        System.out.println(report.summary());
        return report.passed() ? 0 : 1;
    }
}
