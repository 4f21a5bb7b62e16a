package dev.sluice.cli.status;

import dev.sluice.ingest.load.TableLoadProgress;

import java.time.LocalTime;
import java.util.List;
import java.util.stream.Collectors;
import java.time.format.DateTimeFormatter;

/**
 * Formats one status line: what each stage has done, the rate since the last line, lag, freshness, and the
 * transform pipelines' duplicates, late and quarantined records; and the initial load of each table still loading.
 */
public final class StatusLine {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private StatusLine() {
    }

    public static String format(PipelineCounters now, PipelineCounters before, double seconds, long sourceChanges, long lag) {
        return format(now, before, seconds, sourceChanges, lag, List.of());
    }

    /** As above, followed by each table still loading: rows loaded of the estimate, rate and time left. */
    public static String format(PipelineCounters now, PipelineCounters before, double seconds, long sourceChanges, long lag,
                                List<TableLoadProgress> loads) {
        String loading = loads.stream().filter(l -> !l.done()).map(l -> " | load " + l.line()).collect(Collectors.joining());
        return line(now, before, seconds, sourceChanges, lag) + loading;
    }

    private static String line(PipelineCounters now, PipelineCounters before, double seconds, long sourceChanges, long lag) {
        double rate = seconds <= 0 ? 0 : (now.written() - before.written()) / seconds;
        String freshness = now.freshnessSamples() == 0 ? "n/a"
                : String.format("p50 %s p99 %s", millis(now.freshnessP50Ms()), millis(now.freshnessP99Ms()));
        String generated = sourceChanges < 0 ? "" : String.format("source changes %,d | ", sourceChanges);
        return String.format("[%s] %scaptured %,d | transformed %,d | written %,d (%,.0f/s) | lag %s | freshness %s"
                        + " | duplicates %,d | late %,d | quarantined %,d",
                LocalTime.now().format(CLOCK), generated, now.captured(), now.transformed(), now.written(), rate,
                lag < 0 ? "?" : String.format("%,d", lag), freshness, now.duplicates(), now.late(), now.quarantined());
    }

    private static String millis(double ms) {
        if (Double.isNaN(ms)) {
            return "n/a";
        }
        return ms >= 1000 ? String.format("%.1fs", ms / 1000) : String.format("%.0fms", ms);
    }
}
