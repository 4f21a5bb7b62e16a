package dev.sluice.sink.dialect;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * Reads Debezium's ZonedTimestamp text ({@code timestamptz} columns) into an {@link OffsetDateTime}.
 *
 * <p>Debezium always writes these in UTC as {@code yyyy-MM-ddTHH:mm:ss[.f…]Z} with 0 to 9 fraction digits. That
 * shape is read field by field here: {@link OffsetDateTime#parse} walks a general formatter and was 14% of the sink
 * task's thread in a profile at 5,000 changes/s. Any other text (another offset, a year beyond four digits)
 * goes to {@link OffsetDateTime#parse}, so the result, and the error for bad text, are the same as before.
 */
final class ZonedTimestampText {
    private static final int SHORTEST = "2000-01-01T00:00:00Z".length();
    private static final int LONGEST = "2000-01-01T00:00:00.123456789Z".length();

    private ZonedTimestampText() {
    }

    static OffsetDateTime parse(String text) {
        int length = text.length();
        if (length < SHORTEST || length > LONGEST || length == SHORTEST + 1 || !utcShape(text, length)) {
            return OffsetDateTime.parse(text);
        }
        int nanos = 0;
        if (length > SHORTEST) {
            int digits = length - SHORTEST - 1;
            nanos = digits(text, 20, digits);
            for (int i = digits; i < 9; i++) {
                nanos *= 10;
            }
        }
        try {
            return OffsetDateTime.of(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2), digits(text, 11, 2),
                    digits(text, 14, 2), digits(text, 17, 2), nanos, ZoneOffset.UTC);
        } catch (DateTimeException outOfRange) {
            return OffsetDateTime.parse(text); // a month 13 or a 30 February: the parser's own error
        }
    }

    /** Separators where the UTC shape has them and digits everywhere else. */
    private static boolean utcShape(String text, int length) {
        for (int i = 0; i < length - 1; i++) {
            char c = text.charAt(i);
            boolean ok = switch (i) {
                case 4, 7 -> c == '-';
                case 10 -> c == 'T';
                case 13, 16 -> c == ':';
                case 19 -> c == '.';
                default -> c >= '0' && c <= '9';
            };
            if (!ok) {
                return false;
            }
        }
        return text.charAt(length - 1) == 'Z';
    }

    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            value = value * 10 + (text.charAt(i) - '0');
        }
        return value;
    }
}
