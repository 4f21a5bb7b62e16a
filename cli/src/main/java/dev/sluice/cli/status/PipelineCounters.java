package dev.sluice.cli.status;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;

import java.util.concurrent.TimeUnit;

/**
 * A reading of the services' Micrometer meters in this JVM: how many changes each stage has
 * handed on, and how fresh the warehouse is (source commit to warehouse commit).
 */
public record PipelineCounters(long captured, long transformed, long written, double freshnessP50Ms,
                               double freshnessMaxMs, long freshnessSamples) {

    public static PipelineCounters read(MeterRegistry registry) {
        Timer freshness = registry.find("sluice.sink.freshness").timer();
        double p50 = Double.NaN;
        double max = Double.NaN;
        long samples = 0;
        if (freshness != null) {
            HistogramSnapshot snapshot = freshness.takeSnapshot();
            samples = snapshot.count();
            max = snapshot.max(TimeUnit.MILLISECONDS);
            p50 = snapshot.mean(TimeUnit.MILLISECONDS);
            for (ValueAtPercentile v : snapshot.percentileValues()) {
                if (v.percentile() == 0.5) {
                    p50 = v.value(TimeUnit.MILLISECONDS);
                }
            }
        }
        return new PipelineCounters(
                sum(registry, "sluice.ingest.changes"),
                sum(registry, "sluice.transforms.records.out"),
                sum(registry, "sluice.sink.rows.upserted") + sum(registry, "sluice.sink.rows.deleted"),
                p50, max, samples);
    }

    private static long sum(MeterRegistry registry, String name) {
        return (long) registry.find(name).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** True when nothing moved between two readings. */
    public boolean sameProgressAs(PipelineCounters other) {
        return captured == other.captured && transformed == other.transformed && written == other.written;
    }
}
