package dev.sluice.transforms.dedupe;

import java.time.Duration;

/**
 * The time rules of the windowed dedupe ({@link WindowedDedupe}).
 *
 * @param window          two records with the same event id whose event times are at most this far apart are
 *                        one event (the later-arriving copy is dropped); further apart they are two events.
 *                        For change events a copy has the very same event time (the source commit time), so
 *                        any positive window catches redeliveries
 * @param allowedLateness how far behind stream time a record may arrive and still be checked. Watermark =
 *                        stream time − allowed lateness; a record older than the watermark whose id is not
 *                        among the ids still remembered cannot be checked and goes to {@code <pipeline>.late}
 */
public record DedupeWindow(Duration window, Duration allowedLateness) {

    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofMinutes(10);

    public DedupeWindow {
        if (window == null || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("The dedupe window must be positive, got " + window
                    + "; set it to how far apart in event time two copies of one event may be (e.g. 1h).");
        }
        if (allowedLateness == null || allowedLateness.isNegative()) {
            throw new IllegalArgumentException("The dedupe allowed lateness must be zero or positive, got "
                    + allowedLateness + "; set it to how far behind stream time a record may arrive (e.g. 10m).");
        }
    }

    public static DedupeWindow defaults() {
        return new DedupeWindow(DEFAULT_WINDOW, DEFAULT_ALLOWED_LATENESS);
    }

    /** How long an id must be kept: an on-time record may meet a copy up to window + lateness older. */
    public Duration retention() {
        return window.plus(allowedLateness);
    }
}
