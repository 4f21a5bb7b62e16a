package dev.sluice.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The figures of one benchmark run. Latencies in milliseconds; {@code lagSamples} is the consumer
 * lag once a second during the run.
 */
public record BenchReport(String stage, String warehouse, int tables, int rowWidth, int targetRate, double seconds,
                          long changes, double changesPerSecond, double sourceChangesPerSecond,
                          double latencyP50Ms, double latencyP95Ms, double latencyP99Ms, double latencyMaxMs,
                          String latencyMeaning, List<Long> lagSamples, double cpuSecondsPer1000Changes,
                          double peakRssMiB) {

    public String text() {
        long maxLag = lagSamples.stream().mapToLong(Long::longValue).max().orElse(0);
        return String.join("\n",
                String.format("stage %s into %s: %d table(s), rows %d bytes wide, rate %s", stage, warehouse, tables, rowWidth,
                        targetRate == 0 ? "flat out" : targetRate + " changes/s"),
                String.format("  sustained          %,.0f changes/s %s (%,d changes in %.1f s%s)",
                        changesPerSecond, stage.equals("all") ? "end to end" : "through this stage", changes, seconds,
                        Double.isNaN(sourceChangesPerSecond) ? ", worked off a backlog"
                                : String.format("; source wrote %,.0f/s", sourceChangesPerSecond)),
                Double.isNaN(latencyP50Ms) ? "  latency            n/a (the stage worked off a backlog)"
                        : String.format("  %-18s p50 %.0f ms | p95 %.0f ms | p99 %.0f ms | max %.0f ms", latencyMeaning,
                                latencyP50Ms, latencyP95Ms, latencyP99Ms, latencyMaxMs),
                String.format("  consumer lag       max %,d records (samples once a second: %s)", maxLag, abbreviated(lagSamples)),
                String.format("  CPU                %.2f s per 1,000 changes (this JVM: broker and services; PostgreSQL not included)",
                        cpuSecondsPer1000Changes),
                String.format("  peak RSS           %.0f MiB (this JVM)", peakRssMiB));
    }

    public void writeJson(Path file) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }

    private static String abbreviated(List<Long> samples) {
        if (samples.size() <= 12) {
            return samples.toString();
        }
        return samples.subList(0, 6) + " ... " + samples.subList(samples.size() - 6, samples.size());
    }
}
