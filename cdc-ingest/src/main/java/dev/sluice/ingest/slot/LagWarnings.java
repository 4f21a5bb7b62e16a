package dev.sluice.ingest.slot;

import java.time.Duration;

/**
 * When a slot-lag reading deserves a log line: a warning when the lag first exceeds the threshold
 * and again at most every {@code repeat} while it stays above, one "back to normal" line when it
 * falls back. Not thread-safe: one instance per monitor, fed in reading order.
 */
final class LagWarnings {

    /** What to log for one reading. */
    enum Line { NONE, WARNING, RECOVERED }

    private final long thresholdBytes;
    private final long repeatNanos;
    private boolean above;
    private long lastWarningNanos;

    LagWarnings(long thresholdBytes, Duration repeat) {
        this.thresholdBytes = thresholdBytes;
        this.repeatNanos = repeat.toNanos();
    }

    Line reading(long lagBytes, long nowNanos) {
        if (lagBytes <= thresholdBytes) {
            if (above) {
                above = false;
                return Line.RECOVERED;
            }
            return Line.NONE;
        }
        if (!above || nowNanos - lastWarningNanos >= repeatNanos) {
            above = true;
            lastWarningNanos = nowNanos;
            return Line.WARNING;
        }
        return Line.NONE;
    }
}
