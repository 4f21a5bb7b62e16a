package dev.sluice.cli.bench;

import dev.sluice.cli.local.ReplicationPipeline;
import dev.sluice.ingest.publish.IngestMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code sluice bench --initial-load ROWS}: fills one table with ROWS rows before the pipeline starts (not timed),
 * then times its initial load from the pipeline's start until the warehouse is complete (the drain's exact
 * condition), the time to the first row in the warehouse, and the longest Kafka transaction ingest held open.
 */
final class InitialLoadBench {

    /**
     * The figures of one run; {@code ingestSeconds} is how long ingest took to commit the whole table to Kafka (its
     * own stage), {@code loadAverageStart} and {@code loadAverage} the machine's one-minute load average at the
     * pipeline's start and at the end.
     */
    record Result(long rows, double seconds, double firstRowSeconds, double longestTransactionSeconds, double ingestSeconds,
                  double loadAverageStart, double loadAverage, Map<String, Double> cpuByStage) {

        String text() {
            int cores = Runtime.getRuntime().availableProcessors();
            return String.format("initial load: %,d rows in %.1f s = %,.0f rows/s end to end | first row in the warehouse"
                            + " after %.1f s | longest Kafka transaction %.2f s | ingest alone %.1f s = %,.0f rows/s"
                            + " | load average %.1f at the start, %.1f at the end on %d cores%s",
                    rows, seconds, rows / seconds, firstRowSeconds, longestTransactionSeconds, ingestSeconds,
                    rows / ingestSeconds, loadAverageStart, loadAverage, cores,
                    Math.max(loadAverageStart, loadAverage) > cores ? " (machine busy: figures under load)" : "")
                    + "\n" + RunCpu.text(cpuByStage, "rows");
        }
    }

    private InitialLoadBench() {
    }

    static Result run(ReplicationPipeline.Settings pipeline, String table, long rows, int rowWidth,
                      Supplier<Connection> source, MeterRegistry meters, Function<Connection, RunCpu> clocks)
            throws Exception {
        try (Connection c = source.get(); Statement s = c.createStatement()) {
            s.execute("INSERT INTO " + table + " (id, revision, payload) SELECT g, 0, repeat('x', " + rowWidth
                    + ") FROM generate_series(1, " + rows + ") g");
            s.execute("ANALYZE " + table); // the row estimate for progress
        }
        double loadAverageStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        try (Connection probe = source.get()) {
            RunCpu cpu = clocks.apply(probe);
            return run(pipeline, rows, meters, loadAverageStart, cpu);
        }
    }

    private static Result run(ReplicationPipeline.Settings pipeline, long rows, MeterRegistry meters,
                              double loadAverageStart, RunCpu cpu) throws Exception {
        long start = System.nanoTime();
        try (ReplicationPipeline running = ReplicationPipeline.start(pipeline)) {
            long firstRow = awaitFirstRow(meters);
            if (!running.awaitDrained(Duration.ofHours(2))) {
                throw new IllegalStateException("the initial load of " + rows + " rows did not complete within 2 hours");
            }
            long done = System.nanoTime();
            TimeGauge longest = meters.find(IngestMetrics.TRANSACTION_LONGEST).timeGauge();
            double ingestSeconds = running.initialLoad().progress().stream()
                    .mapToDouble(p -> p.elapsed().toMillis() / 1000.0).max().orElse(Double.NaN);
            return new Result(rows, (done - start) / 1e9, (firstRow - start) / 1e9,
                    longest == null ? Double.NaN : longest.value(TimeUnit.SECONDS), ingestSeconds, loadAverageStart,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), cpu.perThousand(rows));
        }
    }

    private static long awaitFirstRow(MeterRegistry meters) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (BenchMeters.count(meters, "sluice.sink.rows.upserted") == 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no row reached the warehouse within 10 minutes");
            }
            Thread.sleep(20);
        }
        return System.nanoTime();
    }
}
