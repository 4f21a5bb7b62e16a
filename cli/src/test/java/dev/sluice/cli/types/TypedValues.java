package dev.sluice.cli.types;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.postgresql.util.PGInterval;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one column from the source, a PostgreSQL warehouse or a DuckDB warehouse as a plain Java value chosen by
 * the SOURCE type, so that equal values compare equal whatever the database and its driver: numbers as
 * {@link BigDecimal} without trailing zeros, floats as {@link Float}/{@link Double} (NaN equals NaN), instants as
 * {@link java.time.Instant}, times with zone at UTC, arrays as lists, JSON as a parsed tree, intervals as
 * Debezium's microseconds (see {@link TypeCoverageIT}).
 */
final class TypedValues {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Debezium's interval.handling.mode=numeric counts a month as this many days. */
    private static final double DAYS_PER_MONTH = 365.25 / 12;
    private static final long MICROS_PER_DAY = 86_400_000_000L;

    private TypedValues() {
    }

    static Object read(ResultSet rs, String column, String sourceType, boolean duckDb) throws SQLException {
        String type = sourceType.toLowerCase();
        if (rs.getObject(column) == null) {
            return null;
        }
        if (type.endsWith("[]")) {
            return list(rs.getArray(column), type.startsWith("integer"));
        }
        if (type.startsWith("numeric") || type.equals("bigint") || type.equals("integer") || type.equals("smallint")) {
            // DuckDB keeps decimals beyond 38 digits as exact text: parsed, they must equal the source
            return new BigDecimal(rs.getString(column).trim()).stripTrailingZeros();
        }
        return switch (type) {
            case "real" -> rs.getFloat(column);
            case "double precision" -> rs.getDouble(column);
            case "boolean" -> rs.getBoolean(column);
            case "bytea" -> HexFormat.of().formatHex(bytes(rs.getObject(column)));
            case "date" -> rs.getObject(column, LocalDate.class);
            case "time" -> rs.getObject(column, LocalTime.class);
            case "timetz" -> (duckDb ? (OffsetTime) rs.getObject(column) : rs.getObject(column, OffsetTime.class))
                    .withOffsetSameInstant(ZoneOffset.UTC);
            case "timestamp" -> rs.getObject(column, LocalDateTime.class);
            case "timestamptz" -> rs.getObject(column, OffsetDateTime.class).toInstant();
            case "interval" -> duckDb ? duckDbIntervalMicros(rs.getString(column)) : intervalMicros((PGInterval) rs.getObject(column));
            case "uuid" -> UUID.fromString(rs.getString(column));
            case "json", "jsonb" -> json(rs.getString(column));
            default -> rs.getString(column); // text, varchar, char (padding included), enum labels
        };
    }

    /** PostgreSQL's driver gives byte[], DuckDB's a Blob (its getBytes is not implemented). */
    private static byte[] bytes(Object value) throws SQLException {
        if (value instanceof java.sql.Blob blob) {
            return blob.getBytes(1, (int) blob.length());
        }
        return (byte[]) value;
    }

    private static List<Object> list(Array array, boolean integers) throws SQLException {
        List<Object> out = new ArrayList<>();
        for (Object o : (Object[]) array.getArray()) {
            out.add(o == null ? null : integers ? (Object) ((Number) o).longValue() : o.toString());
        }
        return out;
    }

    private static Object json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalStateException("not JSON: " + text, e);
        }
    }

    private static long intervalMicros(PGInterval i) {
        return micros(i.getYears() * 12L + i.getMonths(), i.getDays(),
                i.getHours() * 3_600_000_000L + i.getMinutes() * 60_000_000L + Math.round(i.getSeconds() * 1_000_000));
    }

    private static final Pattern DUCK_PART = Pattern.compile("(-?\\d+) (year|month|day)s?");
    private static final Pattern DUCK_TIME = Pattern.compile("(-?)(\\d+):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?");

    /** DuckDB prints intervals as {@code [N years] [N months] [N days] [-]HH:MM:SS[.ffffff]}. */
    private static long duckDbIntervalMicros(String text) {
        long months = 0;
        long days = 0;
        Matcher part = DUCK_PART.matcher(text);
        while (part.find()) {
            long n = Long.parseLong(part.group(1));
            switch (part.group(2)) {
                case "year" -> months += 12 * n;
                case "month" -> months += n;
                default -> days += n;
            }
        }
        long time = 0;
        Matcher t = DUCK_TIME.matcher(text);
        if (t.find()) {
            String fraction = t.group(5) == null ? "0" : (t.group(5) + "00000").substring(0, 6);
            time = Long.parseLong(t.group(2)) * 3_600_000_000L + Long.parseLong(t.group(3)) * 60_000_000L
                    + Long.parseLong(t.group(4)) * 1_000_000L + Long.parseLong(fraction);
            time = t.group(1).isEmpty() ? time : -time;
        }
        return micros(months, days, time);
    }

    private static long micros(long months, long days, long timeMicros) {
        return Math.round((months * DAYS_PER_MONTH + days) * MICROS_PER_DAY) + timeMicros;
    }
}
