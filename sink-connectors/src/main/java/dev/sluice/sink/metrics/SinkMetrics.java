package dev.sluice.sink.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The sink's meters in Micrometer's global registry, so a status page in the same JVM (local mode) or a
 * Prometheus registry added to the global one sees them: rows upserted and deleted per table, freshness
 * (warehouse commit time minus {@code __source_ts}, per row, tagged by table) and batch latency.
 */
public final class SinkMetrics {
    public static final String ROWS_UPSERTED = "sluice.sink.rows.upserted";
    public static final String ROWS_DELETED = "sluice.sink.rows.deleted";
    public static final String FRESHNESS = "sluice.sink.freshness";
    public static final String BATCH_LATENCY = "sluice.sink.batch.latency";

    private final MeterRegistry registry;

    public SinkMetrics() {
        this(Metrics.globalRegistry);
    }

    public SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void upserted(String table, long rows) {
        registry.counter(ROWS_UPSERTED, "table", table).increment(rows);
    }

    public void deleted(String table, long rows) {
        registry.counter(ROWS_DELETED, "table", table).increment(rows);
    }

    public void freshness(String table, Duration sinceSourceCommit) {
        // percentiles over the last minute: a status line wants "how fresh now", not since start
        Timer.builder(FRESHNESS).tag("table", table)
                .publishPercentiles(0.5, 0.99)
                .distributionStatisticExpiry(Duration.ofMinutes(1))
                .distributionStatisticBufferLength(3)
                .register(registry)
                .record(sinceSourceCommit.isNegative() ? Duration.ZERO : sinceSourceCommit);
    }

    public void batchLatency(Duration duration) {
        registry.timer(BATCH_LATENCY).record(duration);
    }
}
