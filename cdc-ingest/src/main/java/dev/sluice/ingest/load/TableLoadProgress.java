package dev.sluice.ingest.load;

import dev.sluice.ingest.source.TableId;

import java.time.Duration;
import java.util.Optional;

/**
 * Where the initial load of one table stands, as this process has seen it.
 *
 * @param table    the source table
 * @param rows     rows read into Kafka (committed) by this process
 * @param estimate rows the table held when the load was requested ({@code pg_class.reltuples} for big tables)
 * @param exact    whether {@code estimate} is an exact count
 * @param elapsed  since the load of this table was requested, or until it finished
 * @param done     whether Debezium reported the table read
 */
public record TableLoadProgress(TableId table, long rows, long estimate, boolean exact, Duration elapsed, boolean done) {

    /** Rows per second so far. */
    public double rate() {
        double seconds = elapsed.toMillis() / 1000.0;
        return seconds <= 0 ? 0 : rows / seconds;
    }

    /** The time left at the rate so far; empty before the first rows or once done. */
    public Optional<Duration> remaining() {
        double rate = rate();
        if (done || rate <= 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofSeconds((long) Math.ceil(Math.max(0, estimate - rows) / rate)));
    }

    /** E.g. {@code public.big 40,960/~100,000 (41%) 12,000 rows/s, 5 s left}, or {@code public.big loaded: 100,000 rows}. */
    public String line() {
        if (done) {
            return String.format("%s loaded: %,d rows", table, rows);
        }
        String total = (exact ? "" : "~") + String.format("%,d", estimate);
        long percent = estimate <= 0 ? 0 : Math.min(100, rows * 100 / estimate);
        return String.format("%s %,d/%s (%d%%) %,.0f rows/s%s", table, rows, total, percent, rate(),
                remaining().map(d -> ", " + d.toSeconds() + " s left").orElse(""));
    }

    /** E.g. {@code Initial load of public.big complete: 100,000 rows in 8.3 s (12,048 rows/s).} */
    public String completionLine() {
        return String.format("Initial load of %s complete: %,d rows in %.1f s (%,.0f rows/s).", table, rows,
                elapsed.toMillis() / 1000.0, rate());
    }
}
