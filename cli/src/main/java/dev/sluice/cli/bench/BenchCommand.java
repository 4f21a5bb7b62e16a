package dev.sluice.cli.bench;

import dev.sluice.cli.bench.sink.SinkBench;
import dev.sluice.cli.bench.sink.SinkBenchOptions;
import dev.sluice.cli.bench.sink.SinkBenchReport;
import dev.sluice.cli.local.DurationOption;
import dev.sluice.cli.local.WarehouseKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code sluice bench}: throughput, freshness, lag, CPU and memory of the pipeline on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run the pipeline (embedded Kafka, PostgreSQL, registry, ingest, transforms, sink) against a generated"
                + " OLTP workload and print sustained changes/s, freshness percentiles, consumer lag, CPU per 1,000 changes and"
                + " peak RSS; --stage measures one stage alone.",
                "--sink measures the sink alone on generated row-topic changes; --compare runs Debezium's JDBC sink beside it."})
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--rate", defaultValue = "0", description = "Changes per second; 0 = flat out (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--duration", defaultValue = "60s", converter = DurationOption.class,
            description = "How long the workload writes (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--warm-up", defaultValue = "10s", converter = DurationOption.class,
            description = "The first part of the run (snapshot, backlog, JIT), reported apart from the steady state after it"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration warmUp;

    @Option(names = "--row-width", defaultValue = "100", description = "Payload bytes per row (default: ${DEFAULT-VALUE}).")
    int rowWidth;

    @Option(names = "--tables", defaultValue = "4", description = "Number of tables (default: ${DEFAULT-VALUE}).")
    int tables;

    @Option(names = "--warehouse", defaultValue = "postgres", description = "postgres or duckdb (default: ${DEFAULT-VALUE}).")
    WarehouseKind warehouse;

    @Option(names = "--stage", defaultValue = "all", description = "all, ingest, transforms or sink (default: ${DEFAULT-VALUE}).")
    String stage;

    @Option(names = "--initial-load", paramLabel = "ROWS",
            description = "Instead of a workload: time the initial load of one table of ROWS rows (rows/s end to end,"
                    + " time to the first row in the warehouse, longest Kafka transaction).")
    Long initialLoad;

    @Option(names = "--sink", description = {"Instead of the pipeline: the sink alone. Produces --records Avro row-topic changes"
            + " (inserts, updates, soft deletes, redeliveries, each key's versions shuffled), loads them into PostgreSQL and into"
            + " DuckDB through a Connect worker, prints rows/s and CPU per warehouse, and checks each holds the expected state."})
    boolean sink;

    @Option(names = "--compare", description = "--sink, and Debezium's JDBC sink beside ours over the same topic into a second"
            + " PostgreSQL database: its rows/s, the ratio, and the keys it left at an older version (it has no version guard).")
    boolean compare;

    @Option(names = "--compare-plugin-path", paramLabel = "DIR", description = "The Connect plugin.path holding Debezium's JDBC"
            + " sink (default: compare-plugins beside sluice.jar, where the build unpacks it).")
    Path comparePluginPath;

    @Option(names = "--records", defaultValue = "1000000", description = "--sink: changes to produce (default: ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--partitions", defaultValue = "10", description = "--sink: partitions of the row topic (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--tasks", defaultValue = "1", description = "--sink: tasks.max of each sink (default: ${DEFAULT-VALUE}).")
    int tasks;

    @Option(names = "--debezium", paramLabel = "KEY=VALUE",
            description = "A Debezium connector setting for ingest, to try a tuning (e.g. incremental.snapshot.chunk.size=16384);"
                    + " repeatable.")
    Map<String, String> debezium = new LinkedHashMap<>();

    @Option(names = "--json", defaultValue = "sluice-bench.json", description = "Where to write the figures as JSON (default: ${DEFAULT-VALUE}).")
    Path json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        SinkBenchOptions.checkMode(spec.commandLine().getParseResult(), sink || compare);
        if (sink || compare) {
            return sinkAlone();
        }
        Path work = Files.createTempDirectory("sluice-bench-");
        if (initialLoad != null) {
            if (initialLoad < 1) {
                throw new IllegalArgumentException("--initial-load must be a positive number of rows, got " + initialLoad + ".");
            }
            System.out.println(new BenchRun(new BenchRun.Settings(stage, rate, duration, warmUp, rowWidth, 1, warehouse, work),
                    System.out).initialLoad(initialLoad, debezium).text());
            return 0;
        }
        BenchReport report = new BenchRun(new BenchRun.Settings(stage, rate, duration, warmUp, rowWidth, tables,
                warehouse, work), System.out).run();
        System.out.println(report.text());
        report.writeJson(json);
        System.out.println("  figures written to " + json.toAbsolutePath());
        return 0;
    }

    /** {@code --sink}: prints the report, writes the JSON, and fails when one of our warehouses is not as expected. */
    private int sinkAlone() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SinkBench.Settings settings = SinkBenchOptions.settings(records, partitions, tasks, compare, comparePluginPath);
        Path work = Files.createTempDirectory("sluice-bench-sink-");
        SinkBenchReport report;
        try {
            report = new SinkBench(settings, work, out).run();
        } finally {
            // a throwaway broker log and warehouse files, hundreds of MB at the default size, not needed once measured
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
        out.println(report.text());
        report.writeJson(json);
        out.println("  figures written to " + json.toAbsolutePath());
        out.flush();
        List<String> wrong = report.sluiceWarehousesNotAsExpected();
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("the sink left " + String.join(" and ", wrong) + " different from the expected state;"
                    + " the lines above say how.");
        }
        return 0;
    }
}
