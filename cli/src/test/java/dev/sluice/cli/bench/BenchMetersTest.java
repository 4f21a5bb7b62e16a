package dev.sluice.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BenchMetersTest {

    private MeterRegistry registry;

    @AfterEach
    void removeRegistry() {
        Metrics.removeRegistry(registry);
    }

    @Test
    void percentilesNeverExceedTheMaximumAndKeepThreeDigits() {
        registry = BenchMeters.install();
        Timer timer = Timer.builder("bench.test.freshness").register(Metrics.globalRegistry);
        // a backlog: most rows late by seconds, a tail up to 92,755 ms (the run that printed p99 above its max)
        for (int i = 0; i < 1000; i++) {
            timer.record(Duration.ofMillis(400 + i));
        }
        for (int i = 0; i < 30; i++) {
            timer.record(Duration.ofMillis(90_000 + i * 95));
        }

        double[] p = BenchMeters.percentiles(registry, "bench.test.freshness");

        assertThat(p[3]).isEqualTo(92_755.0, within(1.0));
        assertThat(p[2]).isLessThanOrEqualTo(p[3]).isGreaterThan(89_000);
        assertThat(p[0]).isLessThanOrEqualTo(p[1]).isCloseTo(915, within(10.0));
        assertThat(p[1]).isLessThanOrEqualTo(p[2]);
    }
}
