package dev.sluice.transforms.aggregate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an {@code aggregate} step computes: per window of {@code timeField} and per value of the {@code groupBy}
 * columns, the {@code measures}; and when it says so.
 *
 * @param groupBy        columns to group by (may be empty: one group per window)
 * @param window         window size
 * @param advance        hop of a hopping window; equal to {@code window} for tumbling windows
 * @param timeField      the row's time column: {@code __source_ts} (commit time, default) or a business timestamp
 *                       (epoch millis; Debezium {@code MicroTimestamp} / Avro {@code timestamp-micros} converted)
 * @param allowedLateness grace: a window closes when the watermark (the largest time seen) passes its end plus
 *                       this; later changes of its rows go to {@code <pipeline>.late}
 * @param emit           {@link Emit#FINAL}: one row per window and group when the window closes;
 *                       {@link Emit#UPDATES}: a row each time it changes
 * @param rateLimit      with {@link Emit#UPDATES}: changed groups go out at most once per this wall-clock interval
 *                       (null: at once)
 * @param idleTimeout    wall-clock time without input after which the watermark moves on with the wall clock, so
 *                       windows close on a quiet input (null: only records move it)
 * @param measures       output column -> measure, in output order
 */
public record Aggregation(List<String> groupBy, Duration window, Duration advance, String timeField,
                          Duration allowedLateness, Emit emit, Duration rateLimit, Duration idleTimeout,
                          Map<String, Measure> measures) {

    /** Until a spec says otherwise, an update may arrive an hour after its window and still correct it. */
    public static final Duration DEFAULT_ALLOWED_LATENESS = Duration.ofHours(1);

    public Aggregation {
        groupBy = List.copyOf(groupBy);
        measures = Collections.unmodifiableMap(new LinkedHashMap<>(measures));
        advance = advance == null ? window : advance;
    }

    /** A tumbling aggregate emitting every update, with the default lateness. */
    public static Aggregation tumbling(List<String> groupBy, Duration window, String timeField,
                                       Map<String, Measure> measures) {
        return new Aggregation(groupBy, window, window, timeField, DEFAULT_ALLOWED_LATENESS, Emit.UPDATES, null,
                null, measures);
    }

    /** The starts of the windows holding time {@code t}, oldest first (one for tumbling windows). */
    List<Long> windowStarts(long t) {
        long size = window.toMillis();
        long hop = advance.toMillis();
        List<Long> starts = new ArrayList<>();
        long last = Math.floorDiv(t, hop) * hop;
        for (long start = last; start > t - size; start -= hop) {
            starts.add(0, start);
        }
        return starts;
    }

    public enum Emit { FINAL, UPDATES }

    /** One measure: {@code count} of rows, or sum / avg / min / max of a numeric column (nulls ignored). */
    public record Measure(Kind kind, String field) {
        public enum Kind { COUNT, SUM, AVG, MIN, MAX }
    }
}
