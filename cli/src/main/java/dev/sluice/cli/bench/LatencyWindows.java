package dev.sluice.cli.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;

/**
 * One latency timer seen over four parts of a run: the warm-up (the first seconds: snapshot, backlog, JIT), the
 * steady state after it, the part after the backlog (from the moment the lag first fell to about a second of the
 * source's changes after the warm-up, to the end), and the whole run. Each part is a registry of its own added to the global one while that
 * part lasts: a composite registry hands every later recording to each registry it holds, so a part's registry sees
 * exactly the recordings made while it was added.
 */
final class LatencyWindows {

    private final String timer;
    private final MeterRegistry wholeRun;
    private MeterRegistry warmUp;
    private MeterRegistry steady;
    private MeterRegistry settled;
    private double settledFromSeconds = Double.NaN;

    /** Starts the warm-up now; {@code wholeRun} is the registry {@link BenchMeters#install()} returned. */
    LatencyWindows(String timer, MeterRegistry wholeRun) {
        this.timer = timer;
        this.wholeRun = wholeRun;
        this.warmUp = BenchMeters.window();
    }

    /** The warm-up ends and the steady state begins. */
    void warmedUp() {
        Metrics.removeRegistry(warmUp);
        steady = BenchMeters.window();
    }

    /**
     * The backlog is worked off {@code seconds} into the run: the part after the backlog begins (only the first call
     * counts, so a later backlog stays inside it).
     */
    void settled(double seconds) {
        if (settled == null) {
            settled = BenchMeters.window();
            settledFromSeconds = seconds;
        }
    }

    /** Ends the steady state; nothing recorded later counts in it. */
    void end() {
        Metrics.removeRegistry(warmUp);
        if (steady != null) {
            Metrics.removeRegistry(steady);
        }
        if (settled != null) {
            Metrics.removeRegistry(settled);
        }
    }

    Percentiles warmUp() {
        return Percentiles.of(BenchMeters.percentiles(warmUp, timer));
    }

    Percentiles steadyState() {
        return steady == null ? Percentiles.NONE : Percentiles.of(BenchMeters.percentiles(steady, timer));
    }

    /** NONE when the lag never came down after the warm-up. */
    Percentiles afterBacklog() {
        return settled == null ? Percentiles.NONE : Percentiles.of(BenchMeters.percentiles(settled, timer));
    }

    /** Seconds into the run when the part after the backlog began; NaN when it never did. */
    double afterBacklogFromSeconds() {
        return settledFromSeconds;
    }

    Percentiles wholeRun() {
        return Percentiles.of(BenchMeters.percentiles(wholeRun, timer));
    }
}
