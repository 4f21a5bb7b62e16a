package dev.sluice.cli.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyWindowsTest {

    private MeterRegistry wholeRun;

    @AfterEach
    void removeRegistry() {
        Metrics.removeRegistry(wholeRun);
    }

    @Test
    void theWarmUpsBacklogStaysOutOfTheSteadyState() {
        wholeRun = BenchMeters.install();
        Timer timer = Timer.builder("bench.test.windows").register(Metrics.globalRegistry);
        LatencyWindows windows = new LatencyWindows("bench.test.windows", wholeRun);
        for (int i = 0; i < 100; i++) {
            timer.record(Duration.ofSeconds(20 + i % 5)); // the snapshot's rows, seconds late
        }
        windows.warmedUp();
        for (int i = 0; i < 1000; i++) {
            timer.record(Duration.ofMillis(100 + i % 50));
        }
        windows.end();
        timer.record(Duration.ofSeconds(99)); // after the end: in no window but the whole run

        assertThat(windows.warmUp().max()).isEqualTo(24_000, within(1.0));
        assertThat(windows.warmUp().p50()).isGreaterThan(19_000);
        assertThat(windows.steadyState().max()).isEqualTo(149, within(1.0));
        assertThat(windows.steadyState().p99()).isLessThanOrEqualTo(149);
        assertThat(windows.wholeRun().max()).isEqualTo(99_000, within(1.0));
    }

    @Test
    void afterTheBacklogStartsOnceAndRunsToTheEnd() {
        wholeRun = BenchMeters.install();
        Timer timer = Timer.builder("bench.test.settled").register(Metrics.globalRegistry);
        LatencyWindows windows = new LatencyWindows("bench.test.settled", wholeRun);
        windows.warmedUp();
        for (int i = 0; i < 100; i++) {
            timer.record(Duration.ofSeconds(10)); // the backlog being worked off after the warm-up
        }
        assertThat(windows.afterBacklog().recorded()).as("nothing before the backlog is gone").isFalse();
        windows.settled(42);
        windows.settled(55); // a later sample under the bound does not move the start
        for (int i = 0; i < 1000; i++) {
            timer.record(Duration.ofMillis(100 + i % 50));
        }
        timer.record(Duration.ofSeconds(3)); // a later spike stays in
        windows.end();

        assertThat(windows.afterBacklogFromSeconds()).isEqualTo(42);
        assertThat(windows.afterBacklog().max()).isEqualTo(3_000, within(1.0));
        assertThat(windows.afterBacklog().p50()).isLessThan(150);
        assertThat(windows.steadyState().p50()).isLessThan(150);
        assertThat(windows.steadyState().max()).isEqualTo(10_000, within(1.0));
    }

    @Test
    void keptUpMeansTheLagAtTheEndIsAtMostTwoSecondsOfTheSourcesRate() {
        assertThat(BenchReport.keptUp(List.of(500L, 9_000L, 3_000L), 5_000)).isTrue();
        assertThat(BenchReport.keptUp(List.of(500L, 9_000L, 30_000L), 5_000)).isFalse();
        assertThat(BenchReport.keptUp(List.of(10L, 20L, 900L), 100)).as("never less than 1,000 records of slack").isTrue();
        assertThat(BenchReport.keptUp(List.of(), 100)).isFalse();
    }

    @Test
    void theJsonFileCarriesSteadyStateAndWholeRunFreshness() throws Exception {
        BenchReport report = new BenchReport("all", "postgres", 4, 100, 1000, 60, 60_000, 1000, 1000, 10,
                new Percentiles(900, 1500, 2000, 2500), new Percentiles(120, 200, 300, 400),
                31.0, new Percentiles(110, 150, 180, 210), new Percentiles(130, 400, 1800, 2500), "freshness", List.of(10L, 20L), true, 0.5, 700, 1.2, 1.9,
                new LinkedHashMap<>(Map.of("transforms", 0.125)));
        Path file = Files.createTempFile("bench", ".json");
        report.writeJson(file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.at("/steady_state/freshness_ms/p99").asDouble()).isEqualTo(300);
        assertThat(json.at("/whole_run/freshness_ms/max").asDouble()).isEqualTo(2500);
        assertThat(json.at("/after_backlog/from_s").asDouble()).isEqualTo(31);
        assertThat(json.at("/after_backlog/freshness_ms/p99").asDouble()).isEqualTo(180);
        assertThat(json.at("/sustained_changes_per_s").asDouble()).isEqualTo(1000);
        assertThat(json.at("/kept_up").asBoolean()).isTrue();
        assertThat(report.text()).contains("steady state          p50 120 ms | p95 200 ms | p99 300 ms | max 400 ms")
                .contains("backlog gone at 31 s  p50 110 ms | p95 150 ms | p99 180 ms | max 210 ms")
                .contains("load average       1.20 at the start")
                .containsPattern("\n    transforms +0\\.125\n    all +0\\.125 \\(this JVM 0\\.125, PostgreSQL 0\\.000\\)");
        assertThat(json.at("/cpu_seconds_per_1000_changes_by_stage/transforms").asDouble()).isEqualTo(0.125);
    }
}
