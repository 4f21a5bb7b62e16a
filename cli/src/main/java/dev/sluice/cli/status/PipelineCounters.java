package dev.sluice.cli.status;

import dev.sluice.transforms.metrics.TransformMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;

import java.util.concurrent.TimeUnit;

/**
 * A reading of the services' Micrometer meters in this JVM: how many changes each stage has
 * handed on, how fresh the warehouse is (source commit to warehouse commit), and what the transform
 * pipelines (replication and specs together) dropped as duplicates, sent to {@code .late} and to
 * {@code .quarantine}.
 */
public record PipelineCounters(long captured, long transformed, long written, double freshnessP50Ms,
                               double freshnessP99Ms, long freshnessSamples, long duplicates, long late,
                               long quarantined) {

    /** Freshness is the worst table's: p50 and p99 over the last minute, per table, maximised. */
    public static PipelineCounters read(MeterRegistry registry) {
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        long samples = 0;
        for (Timer freshness : registry.find("sluice.sink.freshness").timers()) {
            HistogramSnapshot snapshot = freshness.takeSnapshot();
            samples += snapshot.count();
            for (ValueAtPercentile v : snapshot.percentileValues()) {
                double ms = v.value(TimeUnit.MILLISECONDS);
                if (v.percentile() == 0.5) {
                    p50 = Double.isNaN(p50) ? ms : Math.max(p50, ms);
                } else if (v.percentile() == 0.99) {
                    p99 = Double.isNaN(p99) ? ms : Math.max(p99, ms);
                }
            }
        }
        return new PipelineCounters(
                sum(registry, "sluice.ingest.changes"),
                sum(registry, "sluice.transforms.records.out"),
                sum(registry, "sluice.sink.rows.upserted") + sum(registry, "sluice.sink.rows.deleted"),
                p50, p99, samples,
                sum(registry, TransformMetrics.DUPLICATES),
                sum(registry, TransformMetrics.LATE),
                sum(registry, TransformMetrics.QUARANTINED));
    }

    private static long sum(MeterRegistry registry, String name) {
        return (long) registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** True when nothing moved between two readings. */
    public boolean sameProgressAs(PipelineCounters other) {
        return captured == other.captured && transformed == other.transformed && written == other.written;
    }
}
