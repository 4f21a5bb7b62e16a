package dev.sluice.cli.bench;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Meters for a benchmark: the services' per-row latency timers, merged over tables and kept for
 * the whole run (the services' own settings keep a sliding minute for status lines).
 */
final class BenchMeters {

    private static final DistributionStatisticConfig WHOLE_RUN = DistributionStatisticConfig.builder()
            .percentiles(0.5, 0.95, 0.99)
            .percentilePrecision(3)
            .expiry(Duration.ofHours(6))
            .bufferLength(1)
            .build();

    private BenchMeters() {
    }

    private static final MeterFilter KEEP_WHOLE_RUN = new MeterFilter() {
        @Override
        public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
            return id.getType() == Meter.Type.TIMER ? WHOLE_RUN.merge(config) : config;
        }
    };

    static MeterRegistry install() {
        Metrics.globalRegistry.config().meterFilter(MeterFilter.ignoreTags("table")).meterFilter(KEEP_WHOLE_RUN);
        return window();
    }

    /** A registry that sees, merged over tables, what the services record from now until it is removed. */
    static MeterRegistry window() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(MeterFilter.ignoreTags("table")).meterFilter(KEEP_WHOLE_RUN);
        Metrics.addRegistry(registry);
        return registry;
    }

    /**
     * p50, p95, p99 and max in milliseconds of the named timer; NaN when it recorded nothing. The percentiles are
     * a histogram's estimates (three significant digits), which can land above the largest value recorded: they
     * are capped at the maximum, which is exact.
     */
    static double[] percentiles(MeterRegistry registry, String timer) {
        Timer t = registry.find(timer).timer();
        double[] result = {Double.NaN, Double.NaN, Double.NaN, Double.NaN};
        if (t == null || t.count() == 0) {
            return result;
        }
        HistogramSnapshot snapshot = t.takeSnapshot();
        for (ValueAtPercentile v : snapshot.percentileValues()) {
            int slot = v.percentile() == 0.5 ? 0 : v.percentile() == 0.95 ? 1 : v.percentile() == 0.99 ? 2 : -1;
            if (slot >= 0) {
                result[slot] = v.value(TimeUnit.MILLISECONDS);
            }
        }
        result[3] = snapshot.max(TimeUnit.MILLISECONDS);
        for (int i = 0; i < 3; i++) {
            result[i] = Math.min(result[i], result[3]);
        }
        return result;
    }

    static long count(MeterRegistry registry, String counter) {
        return (long) registry.find(counter).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
