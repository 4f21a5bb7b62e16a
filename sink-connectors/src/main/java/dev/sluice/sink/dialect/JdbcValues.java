package dev.sluice.sink.dialect;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.UUID;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * Converts a Connect value to the Java object a JDBC driver binds for the column's {@link ColumnType}:
 * {@link BigDecimal}, {@link LocalDate}, {@link LocalTime}, {@link LocalDateTime} (UTC), {@link OffsetDateTime},
 * {@link UUID}, {@code byte[]}... Timestamps without zone are read as UTC, as Debezium writes them.
 */
public final class JdbcValues {
    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

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
            case BYTES -> bytes(value);
            case DECIMAL -> (BigDecimal) value;
            case VARIABLE_DECIMAL -> {
                Struct s = (Struct) value;
                yield new BigDecimal(new BigInteger(bytes(s.get("value"))), s.getInt32("scale"));
            }
            case DATE -> value instanceof Date d
                    ? LocalDate.ofInstant(d.toInstant(), ZoneOffset.UTC)
                    : LocalDate.ofEpochDay(((Number) value).longValue());
            case TIME -> value instanceof Date d
                    ? LocalTime.ofNanoOfDay(Math.floorMod(d.getTime(), 86_400_000L) * 1_000_000L)
                    : LocalTime.ofNanoOfDay(Math.floorMod(timeNanos(name, ((Number) value).longValue()), NANOS_PER_DAY));
            case TIMESTAMP -> LocalDateTime.ofInstant(value instanceof Date d ? d.toInstant()
                    : instant(name, ((Number) value).longValue()), ZoneOffset.UTC);
            case TIMESTAMPTZ -> OffsetDateTime.parse(value.toString());
            case UUID -> java.util.UUID.fromString(value.toString());
        };
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
}
