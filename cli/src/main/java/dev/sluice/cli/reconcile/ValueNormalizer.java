package dev.sluice.cli.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.postgresql.util.PGInterval;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Blob;
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
 * Reads a value from the source, a PostgreSQL warehouse or a DuckDB warehouse as a comparable Java
 * value chosen by the SOURCE column type, so that equal values compare equal whatever the database
 * and driver: numbers as {@link BigDecimal} without trailing zeros (1.50 equals 1.5; DuckDB keeps
 * decimals beyond 38 digits as exact text), instants as {@link java.time.Instant}, times with zone
 * at UTC, arrays as lists, JSON as a parsed tree, money as its number, intervals in microseconds with Debezium's
 * 30.4375-day month (an interval travels exactly, but a warehouse may have been filled before it did).
 */
public final class ValueNormalizer {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double DAYS_PER_MONTH = 365.25 / 12;
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final Pattern DUCK_PART = Pattern.compile("(-?\\d+) (year|month|day)s?");
    private static final Pattern DUCK_TIME = Pattern.compile("(-?)(\\d+):(\\d{2}):(\\d{2})(?:\\.(\\d{1,6}))?");

    private ValueNormalizer() {
    }

    /**
     * @param sourceType the source column's type as {@code format_type} prints it (short names such
     *                   as {@code timestamptz} are understood too)
     */
    public static Object read(ResultSet rs, int index, String sourceType) throws SQLException {
        if (sourceType.equalsIgnoreCase("money")) {
            String text = rs.getString(index); // the driver's getObject fails on grouped money ("1,234.50")
            return text == null ? null : money(text);
        }
        Object raw = rs.getObject(index);
        if (raw == null) {
            return null;
        }
        String type = canonical(sourceType.toLowerCase());
        if (type.endsWith("[]")) {
            return list(rs.getArray(index));
        }
        if (type.startsWith("numeric") || type.equals("bigint") || type.equals("integer") || type.equals("smallint")) {
            return new BigDecimal(rs.getString(index).trim()).stripTrailingZeros();
        }
        return switch (type) {
            case "real" -> rs.getFloat(index);
            case "double precision" -> rs.getDouble(index);
            case "boolean" -> rs.getBoolean(index);
            case "bytea" -> HexFormat.of().formatHex(raw instanceof Blob blob ? blob.getBytes(1, (int) blob.length()) : (byte[]) raw);
            case "date" -> rs.getObject(index, LocalDate.class);
            case "time without time zone" -> rs.getObject(index, LocalTime.class);
            case "time with time zone" -> (raw instanceof OffsetTime t ? t : rs.getObject(index, OffsetTime.class))
                    .withOffsetSameInstant(ZoneOffset.UTC);
            case "timestamp without time zone" -> rs.getObject(index, LocalDateTime.class);
            case "timestamp with time zone" -> rs.getObject(index, OffsetDateTime.class).toInstant();
            case "interval" -> raw instanceof PGInterval i ? intervalMicros(i) : duckDbIntervalMicros(rs.getString(index));
            case "uuid" -> UUID.fromString(rs.getString(index));
            case "json", "jsonb" -> json(rs.getString(index));
            default -> rs.getString(index); // text, varchar, char (padding included), enum labels
        };
    }

    private static String canonical(String type) {
        String base = type.replaceAll("\\(.*\\)", "");
        return switch (base) {
            case "timestamptz" -> "timestamp with time zone";
            case "timestamp" -> "timestamp without time zone";
            case "timetz" -> "time with time zone";
            case "time" -> "time without time zone";
            case "int", "int4" -> "integer";
            case "int8" -> "bigint";
            case "int2" -> "smallint";
            default -> base.startsWith("numeric") || type.endsWith("[]") ? type : base;
        };
    }

    /**
     * money as PostgreSQL prints it ({@code $1,234.50}, {@code -$0.01}; its currency symbol and grouping follow
     * lc_monetary) or as the warehouse's decimal: the number without symbol and grouping.
     */
    static BigDecimal money(String text) {
        boolean negative = text.contains("-") || text.startsWith("(");
        String digits = text.replaceAll("[^0-9.]", "");
        BigDecimal value = new BigDecimal(digits).stripTrailingZeros();
        return negative ? value.negate() : value;
    }

    private static List<Object> list(Array array) throws SQLException {
        List<Object> out = new ArrayList<>();
        for (Object o : (Object[]) array.getArray()) {
            out.add(o == null ? null : o instanceof Number n ? new BigDecimal(n.toString()).stripTrailingZeros() : o.toString());
        }
        return out;
    }

    private static Object json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return text;
        }
    }

    private static long intervalMicros(PGInterval i) {
        return micros(i.getYears() * 12L + i.getMonths(), i.getDays(),
                i.getHours() * 3_600_000_000L + i.getMinutes() * 60_000_000L + Math.round(i.getSeconds() * 1_000_000));
    }

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
