package dev.sluice.transforms.aggregate;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What an {@code aggregate} step computes: per tumbling window of {@code timeField} and per value of the
 * {@code groupBy} columns, the {@code measures}.
 *
 * @param groupBy   columns to group by (may be empty: one group per window)
 * @param window    tumbling window size
 * @param timeField the row's time column: {@code __source_ts} (commit time, default) or a business timestamp
 *                  (epoch millis; Debezium {@code MicroTimestamp} / Avro {@code timestamp-micros} are converted)
 * @param measures  output column -> measure, in output order
 */
public record Aggregation(List<String> groupBy, Duration window, String timeField, Map<String, Measure> measures) {

    public Aggregation {
        groupBy = List.copyOf(groupBy);
        measures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(measures));
    }

    /** One measure: {@code count} of rows, or {@code sum} / {@code avg} of a numeric column (nulls ignored). */
    public record Measure(Kind kind, String field) {
        public enum Kind { COUNT, SUM, AVG }
    }
}
