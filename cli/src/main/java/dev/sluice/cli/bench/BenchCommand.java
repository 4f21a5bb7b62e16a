package dev.sluice.cli.bench;

import dev.sluice.cli.local.DurationOption;
import dev.sluice.cli.local.WarehouseKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code sluice bench}: throughput, freshness, lag, CPU and memory of the pipeline on this machine. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Run the pipeline (embedded Kafka, PostgreSQL, registry, ingest, transforms, sink) against a",
                "generated OLTP workload and print sustained changes/s, freshness percentiles, consumer lag,",
                "CPU per 1,000 changes and peak RSS; --stage measures one stage alone."})
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

    @Option(names = "--debezium", paramLabel = "KEY=VALUE",
            description = "A Debezium connector setting for ingest, to try a tuning (e.g. incremental.snapshot.chunk.size=16384);"
                    + " repeatable.")
    java.util.Map<String, String> debezium = new java.util.LinkedHashMap<>();

    @Option(names = "--json", defaultValue = "sluice-bench.json", description = "Where to write the figures as JSON (default: ${DEFAULT-VALUE}).")
    Path json;

    @Override
    public Integer call() throws Exception {
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
}
