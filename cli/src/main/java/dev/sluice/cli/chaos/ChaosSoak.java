package dev.sluice.cli.chaos;

import dev.sluice.cli.local.WarehouseKind;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Proof over many runs: each scenario (which services may be killed) into each warehouse, {@code repeat} times, each
 * run with its own seed, broker, source and warehouse. One line per run, then the totals; a failed run keeps its
 * work directory (service logs and the run's own output in {@code chaos.log}), a passed one is deleted.
 */
public final class ChaosSoak {

    /** A named set of services that may be killed. */
    public record Scenario(String name, List<String> victims) {
        public static Scenario parse(String name) {
            return switch (name) {
                case "connect", "transform", "ingest" -> new Scenario(name, List.of(name));
                case "all" -> new Scenario(name, ChaosRun.Settings.ALL_SERVICES);
                default -> throw new IllegalArgumentException("--scenarios takes connect, transform, ingest and all, not '"
                        + name + "'.");
            };
        }
    }

    public record Settings(int repeat, List<Scenario> scenarios, List<WarehouseKind> warehouses, int kills,
                           Duration duration, int changesPerSecond, long seed, Path workDir) {
    }

    private final Settings settings;
    private final PrintStream out;

    public ChaosSoak(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /** True when every run passed. */
    public boolean run() throws Exception {
        int runs = 0;
        int passed = 0;
        long missing = 0;
        long extra = 0;
        long different = 0;
        long compared = 0;
        for (int round = 1; round <= settings.repeat(); round++) {
            for (WarehouseKind warehouse : settings.warehouses()) {
                for (Scenario scenario : settings.scenarios()) {
                    long seed = settings.seed() + runs;
                    Path dir = settings.workDir().resolve(String.format("run-%03d-%s-%s", runs + 1, warehouse, scenario.name()));
                    Files.createDirectories(dir);
                    long started = System.nanoTime();
                    ChaosReport report;
                    String failure = null;
                    try (PrintStream log = new PrintStream(Files.newOutputStream(dir.resolve("chaos.log")), true)) {
                        report = new ChaosRun(new ChaosRun.Settings(settings.kills(), settings.duration(),
                                settings.changesPerSecond(), warehouse, dir, seed, scenario.victims()), log).run();
                        log.println(report.summary());
                    } catch (Exception e) {
                        report = null;
                        failure = e.toString();
                    }
                    runs++;
                    long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
                    boolean ok = report != null && report.passed();
                    if (ok) {
                        passed++;
                        deleteQuietly(dir);
                    }
                    if (report != null) {
                        missing += report.rowsMissing();
                        extra += report.rowsExtra();
                        different += report.rowsDifferent();
                        compared += report.rowsCompared();
                    }
                    out.printf("soak %3d  %-8s %-9s seed %-6d %s  %s (%d s)%n", runs, warehouse, scenario.name(), seed,
                            report == null ? "run failed: " + failure : report.summary(), ok ? "PASS" : "FAIL, see " + dir, seconds);
                }
            }
        }
        out.printf("soak total: %d runs, %d passed, %d failed | rows compared %,d | missing %d | extra %d | different %d%n",
                runs, passed, runs - passed, compared, missing, extra, different);
        return passed == runs;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leaves a directory behind; nothing depends on it
        }
    }
}
