package dev.sluice.sink.dialect;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * Converts a Connect value to the Java object a JDBC driver binds for the column's {@link ColumnType}:
 * {@link BigDecimal}, {@link LocalDate}, {@link LocalTime}, {@link LocalDateTime} (UTC), {@link OffsetDateTime},
 * {@link UUID}, {@code byte[]}, {@link OffsetTime}, a {@link List} for arrays... Timestamps without zone are read as UTC,
 * as Debezium writes them; the infinities and numeric NaN/±Infinity become a {@link SpecialValue}
 * ({@link SpecialValues}). An interval becomes the text {@code "M months D days [-]H:MM:SS.ffffff"}, which both
 * PostgreSQL and DuckDB parse into an equal INTERVAL.
 */
public final class JdbcValues {
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;
    /** Debezium's io.debezium.time.Interval (interval.handling.mode=string): ISO 8601, each part may be negative. */
    private static final Pattern ISO_INTERVAL = Pattern.compile(
            "P(?:(-?\\d+)Y)?(?:(-?\\d+)M)?(?:(-?\\d+)D)?(?:T(?:(-?\\d+)H)?(?:(-?\\d+)M)?(?:(-?[\\d.]+)S)?)?");

    private JdbcValues() {
    }

    public static Object toJdbc(String column, Schema schema, ColumnType type, Object value) {
        if (value == null) {
            return null;
        }
        try {
            return convert(schema, type, value);
        } catch (RuntimeException e) {
            throw new DataException("Column '" + column + "' holds a value that does not fit its schema "
                    + (schema.name() == null ? schema.type() : schema.name()) + ": " + e.getMessage(), e);
        }
    }

    private static Object convert(Schema schema, ColumnType type, Object value) {
        String name = schema.name() == null ? "" : schema.name();
        return switch (type.kind()) {
            case SMALLINT -> ((Number) value).shortValue();
            case INTEGER, BIGINT, REAL, DOUBLE, BOOLEAN -> value;
            case TEXT, JSON -> value.toString();
            case SOURCE_TEXT -> sourceText(type, value.toString());
            case BYTES -> bytes(value);
            case DECIMAL -> (BigDecimal) value;
            case VARIABLE_DECIMAL -> {
                Struct s = (Struct) value;
                byte[] unscaled = bytes(s.get("value"));
                yield unscaled.length == 0 ? SpecialValues.numeric(s.getInt32("scale"))
                        : new BigDecimal(new BigInteger(unscaled), s.getInt32("scale"));
            }
            case DATE -> {
                SpecialValue special = SpecialValues.date(value);
                if (special != null) {
                    yield special;
                }
                yield value instanceof Date d
                        ? LocalDate.ofInstant(d.toInstant(), ZoneOffset.UTC)
                        : LocalDate.ofEpochDay(((Number) value).longValue());
            }
            case TIME -> value instanceof Date d
                    ? LocalTime.ofNanoOfDay(Math.floorMod(d.getTime(), 86_400_000L) * 1_000_000L)
                    : LocalTime.ofNanoOfDay(Math.floorMod(timeNanos(name, ((Number) value).longValue()), NANOS_PER_DAY));
            case TIMESTAMP -> {
                SpecialValue special = SpecialValues.timestamp(name, value);
                if (special != null) {
                    yield special;
                }
                yield LocalDateTime.ofInstant(value instanceof Date d ? d.toInstant()
                        : instant(name, ((Number) value).longValue()), ZoneOffset.UTC);
            }
            case TIMESTAMPTZ -> {
                SpecialValue special = SpecialValues.zonedTimestamp(value.toString());
                yield special != null ? special : ZonedTimestampText.parse(value.toString());
            }
            case TIMETZ -> OffsetTime.parse(value.toString());
            case INTERVAL -> value instanceof Number micros ? interval(0, 0, micros.longValue()) : isoInterval(value.toString());
            case UUID -> java.util.UUID.fromString(value.toString());
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                for (Object item : (List<?>) value) {
                    items.add(item == null ? null : convert(schema.valueSchema(), type.element(), item));
                }
                yield items;
            }
        };
    }

    /**
     * Debezium fills a required column that a delete's old row lacks (replica identity DEFAULT sends the key only) with
     * an empty string, which no bit(n), range or json value is: such a row is staged, never written past its key, so it
     * stages NULL instead of text its column type refuses. An empty varbit is a value and stays.
     */
    private static String sourceText(ColumnType type, String text) {
        return text.isEmpty() && !type.source().startsWith("VARBIT") ? null : text;
    }

    /**
     * Debezium's MicroDuration has already counted a month as 30.4375 days, so it arrives as microseconds only;
     * the ISO form keeps months and days apart, as PostgreSQL does.
     */
    private static String interval(long months, long days, long micros) {
        long abs = Math.abs(micros);
        return String.format("%d months %d days %s%d:%02d:%02d.%06d", months, days, micros < 0 ? "-" : "",
                abs / 3_600_000_000L, abs / 60_000_000L % 60, abs / 1_000_000L % 60, abs % 1_000_000L);
    }

    private static String isoInterval(String text) {
        Matcher m = ISO_INTERVAL.matcher(text);
        if (!m.matches()) {
            throw new DataException("'" + text + "' is not an ISO 8601 interval such as P1Y2M3DT4H5M6.78S");
        }
        long months = 12 * part(m.group(1)) + part(m.group(2));
        BigDecimal seconds = m.group(6) == null ? BigDecimal.ZERO : new BigDecimal(m.group(6));
        long micros = part(m.group(4)) * 3_600_000_000L + part(m.group(5)) * 60_000_000L
                + seconds.movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        return interval(months, part(m.group(3)), micros);
    }

    private static long part(String group) {
        return group == null ? 0 : Long.parseLong(group);
    }

    private static long timeNanos(String name, long v) {
        return switch (name) {
            case ColumnTypes.DBZ_MICRO_TIME -> v * 1_000L;
            case ColumnTypes.DBZ_NANO_TIME -> v;
            default -> v * 1_000_000L; // io.debezium.time.Time: millis of the day
        };
    }

    private static Instant instant(String name, long v) {
        return switch (name) {
            case ColumnTypes.DBZ_MICRO_TIMESTAMP -> Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000L), Math.floorMod(v, 1_000_000L) * 1_000L);
            case ColumnTypes.DBZ_NANO_TIMESTAMP -> Instant.ofEpochSecond(Math.floorDiv(v, 1_000_000_000L), Math.floorMod(v, 1_000_000_000L));
            default -> Instant.ofEpochMilli(v);
        };
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        ByteBuffer buffer = ((ByteBuffer) value).duplicate();
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        return b;
    }

    /**
     * A value converted for one type as the JDBC value of another, for a row of an older schema version written with
     * the newer one's types (int into bigint, a decimal into a wider decimal, anything into text). Loaders bind by the
     * value's Java type, so an Integer must become a Long for a BIGINT column; other values are left to the database.
     */
    public static Object coerce(Object value, ColumnType to) {
        if (value == null) {
            return null;
        }
        return switch (to.kind()) {
            case SMALLINT -> value instanceof Number n ? (Object) n.shortValue() : value;
            case INTEGER -> value instanceof Number n ? (Object) n.intValue() : value;
            case BIGINT -> value instanceof Number n && !(value instanceof BigDecimal) ? (Object) n.longValue() : value;
            case DOUBLE -> value instanceof Number n ? (Object) n.doubleValue() : value;
            case DECIMAL, VARIABLE_DECIMAL -> value instanceof Number n && !(value instanceof BigDecimal)
                    ? (Object) new BigDecimal(n.toString()) : value;
            case TEXT -> value instanceof BigDecimal d ? d.toPlainString()
                    : value instanceof String || value instanceof List<?> || value instanceof byte[] ? value : value.toString();
            default -> value;
        };
    }
}
