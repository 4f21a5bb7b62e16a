package dev.sluice.cli.replay;

import dev.sluice.transforms.time.DurationText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Where a replay starts in its input topics: {@code earliest} (the start of retained history), an ISO-8601 instant
 * ({@code 2026-12-04T09:00:00Z}, or with an offset {@code +01:00}), or a duration ago ({@code 2h}, {@code 30m},
 * {@code 1d}, {@code PT90M}). A time means the first record whose Kafka timestamp (the source commit time, as
 * cdc-ingest writes it) is at or after it.
 *
 * @param timestamp the time in epoch milliseconds, or empty for earliest
 */
public record ReplayFrom(Optional<Long> timestamp) {

    public static final ReplayFrom EARLIEST = new ReplayFrom(Optional.empty());

    /**
     * @throws IllegalArgumentException one sentence naming the value and what it may be
     */
    public static ReplayFrom parse(String text, Clock clock) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--from is empty; pass earliest, an ISO-8601 time such as"
                    + " 2026-12-04T09:00:00Z, or a duration ago such as 2h.");
        }
        String value = text.trim();
        if (value.equalsIgnoreCase("earliest")) {
            return EARLIEST;
        }
        Optional<Duration> ago = DurationText.parse(value);
        if (ago.isPresent()) {
            return at(clock.instant().minus(ago.get()), clock);
        }
        try {
            return at(OffsetDateTime.parse(value).toInstant(), clock);
        } catch (DateTimeParseException notOffsetTime) {
            try {
                return at(Instant.parse(value), clock);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--from '" + value + "' is neither earliest, an ISO-8601 time"
                        + " with its zone (2026-12-04T09:00:00Z) nor a duration ago (" + DurationText.EXAMPLES + ").");
            }
        }
    }

    private static ReplayFrom at(Instant instant, Clock clock) {
        if (instant.isAfter(clock.instant()) || instant.toEpochMilli() < 0) {
            throw new IllegalArgumentException("--from " + instant + " is in the future or before 1970; pass a past"
                    + " time or earliest.");
        }
        return new ReplayFrom(Optional.of(instant.toEpochMilli()));
    }

    /** For the plan: "earliest" or the instant. */
    public String describe() {
        return timestamp.map(ms -> Instant.ofEpochMilli(ms).toString()).orElse("earliest");
    }
}
