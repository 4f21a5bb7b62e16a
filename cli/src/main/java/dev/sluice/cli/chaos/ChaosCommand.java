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

    @Override
    public Integer call() throws Exception {
        Path dir = workDir != null ? workDir : Files.createTempDirectory("sluice-chaos-");
        long actualSeed = seed != null ? seed : System.nanoTime();
        System.out.println("chaos: state and service logs in " + dir + " (seed " + actualSeed + ")");
        ChaosReport report = new ChaosRun(new ChaosRun.Settings(kills, duration, rate, warehouse, dir, actualSeed, victims),
                System.out).run();
        System.out.println(report.summary());
        return report.consistent() && report.sinkOffsetsMatch() ? 0 : 1;
    }
}
