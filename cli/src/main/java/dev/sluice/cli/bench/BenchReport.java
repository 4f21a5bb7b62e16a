package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of one benchmark run. Latencies in milliseconds, over the warm-up (the first {@code warmUpSeconds}:
 * snapshot, backlog, JIT), the steady state after it, the part after the start's backlog was worked off (from
 * {@code afterBacklogFromSeconds} into the run, NaN when the lag never came down) and the whole run;
 * {@code lagSamples} is the consumer lag once a second while the workload wrote. {@code keptUp} is null where a stage worked off a backlog.
 * {@code cpuByStage}: CPU seconds per 1,000 changes by stage (this JVM's threads, and the PostgreSQL server's
 * processes), in the order printed; empty where not measured.
 */
public record BenchReport(String stage, String warehouse, int tables, int rowWidth, int targetRate, double seconds,
                          long changes, double changesPerSecond, double sourceChangesPerSecond, double warmUpSeconds,
                          Percentiles warmUp, Percentiles steadyState, double afterBacklogFromSeconds,
                          Percentiles afterBacklog, Percentiles wholeRun, String latencyMeaning,
                          List<Long> lagSamples, Boolean keptUp, double cpuSecondsPer1000Changes, double peakRssMiB,
                          double loadAverageAtStart, double loadAverageAtEnd, Map<String, Double> cpuByStage) {

    /**
     * Whether the pipeline kept up with the source: at the end of the workload it was at most two seconds of the
     * source's own rate behind (and never less than 1,000 records of slack), so its lag stayed bounded rather than
     * growing for as long as the load ran.
     */
    static boolean keptUp(List<Long> lagSamples, double sourceChangesPerSecond) {
        if (lagSamples.isEmpty()) {
            return false;
        }
        long last = lagSamples.get(lagSamples.size() - 1);
        return last >= 0 && last <= Math.max(1000, 2 * sourceChangesPerSecond);
    }

    public String text() {
        long maxLag = lagSamples.stream().mapToLong(Long::longValue).max().orElse(0);
        boolean backlog = Double.isNaN(sourceChangesPerSecond);
        return String.join("\n",
                String.format("stage %s into %s: %d table(s), rows %d bytes wide, rate %s", stage, warehouse, tables, rowWidth,
                        targetRate == 0 ? "flat out" : targetRate + " changes/s"),
                String.format("  sustained          %,.0f changes/s %s (%,d changes in %.1f s%s)",
                        changesPerSecond, stage.equals("all") ? "end to end" : "through this stage", changes, seconds,
                        backlog ? ", worked off a backlog" : String.format("; source wrote %,.0f/s", sourceChangesPerSecond)),
                backlog && !wholeRun.recorded() ? "  latency            n/a (the stage worked off a backlog)"
                        : String.join("\n",
                        String.format("  %-18s warm-up (first %.0f s)  %s", latencyMeaning, warmUpSeconds, warmUp.text()),
                        String.format("  %-18s steady state          %s", "", steadyState.text()),
                        String.format("  %-18s %-22s%s", "", afterBacklogLabel(), afterBacklog.recorded() ? afterBacklog.text()
                                : targetRate == 0 ? "n/a (flat out)" : "n/a (the lag stayed above one second of changes)"),
                        String.format("  %-18s whole run             %s", "", wholeRun.text())),
                String.format("  consumer lag       max %,d records (samples once a second: %s)", maxLag, abbreviated(lagSamples)),
                keptUp == null ? "  kept up            n/a (a backlog)"
                        : "  kept up            " + (keptUp ? "yes" : "NO") + String.format(" (lag at the end of the load %,d records)",
                        lagSamples.isEmpty() ? 0 : lagSamples.get(lagSamples.size() - 1)),
                String.format("  CPU                %.2f s per 1,000 changes (this JVM: broker and services; PostgreSQL not included)",
                        cpuSecondsPer1000Changes),
                stageLines(),
                String.format("  peak RSS           %.0f MiB (this JVM)", peakRssMiB),
                String.format("  load average       %.2f at the start, %.2f at the end (1 minute; a busy machine lowers every figure)",
                        loadAverageAtStart, loadAverageAtEnd));
    }

    /** The figures as JSON, in snake_case: {@code steady_state.freshness_ms.p99}, {@code kept_up}, ... */
    public void writeJson(Path file) throws IOException {
        String latencyKey = stage.equals("all") ? "freshness_ms" : "latency_ms";
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("stage", stage);
        json.put("warehouse", warehouse);
        json.put("tables", tables);
        json.put("row_width", rowWidth);
        json.put("target_changes_per_s", targetRate);
        json.put("seconds", seconds);
        json.put("changes", changes);
        json.put("sustained_changes_per_s", changesPerSecond);
        json.put("source_changes_per_s", Double.isNaN(sourceChangesPerSecond) ? null : sourceChangesPerSecond);
        json.put("latency_meaning", latencyMeaning);
        json.put("warm_up", Map.of("seconds", warmUpSeconds, latencyKey, warmUp.json()));
        json.put("steady_state", Map.of(latencyKey, steadyState.json()));
        Map<String, Object> settled = new LinkedHashMap<>();
        settled.put("from_s", Double.isNaN(afterBacklogFromSeconds) ? null : afterBacklogFromSeconds);
        settled.put(latencyKey, afterBacklog.json());
        json.put("after_backlog", settled);
        json.put("whole_run", Map.of(latencyKey, wholeRun.json()));
        json.put("kept_up", keptUp);
        json.put("lag_samples", lagSamples);
        json.put("cpu_seconds_per_1000_changes", cpuSecondsPer1000Changes);
        json.put("cpu_seconds_per_1000_changes_by_stage", cpuByStage);
        json.put("peak_rss_mib", peakRssMiB);
        json.put("load_average", Map.of("start", loadAverageAtStart, "end", loadAverageAtEnd));
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }

    private String stageLines() {
        return RunCpu.text(cpuByStage, "changes");
    }

    private String afterBacklogLabel() {
        return Double.isNaN(afterBacklogFromSeconds) ? "backlog gone" : String.format("backlog gone at %.0f s",
                afterBacklogFromSeconds);
    }

    private static String abbreviated(List<Long> samples) {
        if (samples.size() <= 12) {
            return samples.toString();
        }
        return samples.subList(0, 6) + " ... " + samples.subList(samples.size() - 6, samples.size());
    }
}
