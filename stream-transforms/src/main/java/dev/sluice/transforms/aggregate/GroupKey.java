package dev.sluice.transforms.aggregate;

import java.util.ArrayList;
import java.util.List;

/**
 * The text key of one (window, group): the window start as 16 hex digits of {@code start ^ Long.MIN_VALUE} (so
 * that byte order is time order and a store scan meets the oldest windows first), then each group value after a
 * NUL, with \u0001 standing for null.
 */
final class GroupKey {

    private static final char SEPARATOR = '\u0000';
    private static final String NULL = "\u0001";

    private GroupKey() {
    }

    static String of(long windowStart, List<String> groupValues) {
        StringBuilder key = new StringBuilder(String.format("%016x", windowStart ^ Long.MIN_VALUE));
        for (String value : groupValues) {
            key.append(SEPARATOR).append(value == null ? NULL : value);
        }
        return key.toString();
    }

    static long windowStart(String key) {
        return Long.parseUnsignedLong(key.substring(0, 16), 16) ^ Long.MIN_VALUE;
    }

    static List<String> groupValues(String key) {
        List<String> values = new ArrayList<>();
        if (key.length() == 16) {
            return values;
        }
        for (String part : key.substring(17).split(String.valueOf(SEPARATOR), -1)) {
            values.add(NULL.equals(part) ? null : part);
        }
        return values;
    }
}
