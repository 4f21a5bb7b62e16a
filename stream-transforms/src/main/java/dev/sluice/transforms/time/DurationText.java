package dev.sluice.transforms.time;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as people type them, in specs and on the command line alike: {@code 500ms}, {@code 30s}, {@code 10m},
 * {@code 1h}, {@code 1d}, or ISO-8601 ({@code PT90S}). Never negative.
 */
public final class DurationText {

    /** For error messages: what a valid duration looks like. */
    public static final String EXAMPLES = "500ms, 30s, 10m, 1h or 1d";

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private DurationText() {
    }

    /** The duration {@code text} spells, or empty when it spells none. */
    public static Optional<Duration> parse(String text) {
        String value = text.trim();
        Matcher m = SHORT.matcher(value.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            try {
                long n = Long.parseLong(m.group(1));
                return Optional.of(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            } catch (ArithmeticException | NumberFormatException tooLong) {
                return Optional.empty();
            }
        }
        try {
            Duration parsed = Duration.parse(value);
            return parsed.isNegative() ? Optional.empty() : Optional.of(parsed);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
