package dev.sluice.cli.bench;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;

/**
 * One latency timer seen over three parts of a run: the warm-up (the first seconds: snapshot, backlog, JIT), the
 * steady state after it, and the whole run. Each part is a registry of its own added to the global one while that
 * part lasts: a composite registry hands every later recording to each registry it holds, so a part's registry sees
 * exactly the recordings made while it was added.
 */
final class LatencyWindows {

    private final String timer;
    private final MeterRegistry wholeRun;
    private MeterRegistry warmUp;
    private MeterRegistry steady;

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

    /** Ends the steady state; nothing recorded later counts in it. */
    void end() {
        Metrics.removeRegistry(warmUp);
        if (steady != null) {
            Metrics.removeRegistry(steady);
        }
    }

    Percentiles warmUp() {
        return Percentiles.of(BenchMeters.percentiles(warmUp, timer));
    }

    Percentiles steadyState() {
        return steady == null ? Percentiles.NONE : Percentiles.of(BenchMeters.percentiles(steady, timer));
    }

    Percentiles wholeRun() {
        return Percentiles.of(BenchMeters.percentiles(wholeRun, timer));
    }
}
