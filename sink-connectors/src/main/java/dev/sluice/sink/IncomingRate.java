package dev.sluice.sink;

/**
 * Records per second that reached the task over its last full second: tells the batching rule whether writes are
 * cheap enough to start whenever nothing more is queued. Called from the task thread only.
 */
final class IncomingRate {

    private static final long SECOND_NANOS = 1_000_000_000L;

    private long windowStartNanos;
    private long windowRecords;
    private double perSecond;

    IncomingRate(long nowNanos) {
        windowStartNanos = nowNanos;
    }

    /** Counts {@code records} that arrived at {@code nowNanos}; a window of a second or more closes and sets the rate. */
    void arrived(int records, long nowNanos) {
        windowRecords += records;
        long elapsed = nowNanos - windowStartNanos;
        if (elapsed >= SECOND_NANOS) {
            perSecond = windowRecords * (double) SECOND_NANOS / elapsed;
            windowStartNanos = nowNanos;
            windowRecords = 0;
        }
    }

    /** The rate over the last full window; 0 before the first one closed. */
    double perSecond() {
        return perSecond;
    }
}
