package dev.sluice.sink.dialect;

import java.util.Date;

/**
 * How a {@link SpecialValue} arrives. Debezium (PostgreSQL connector, default modes) carries the infinities as the
 * ends of its value ranges, values no finite PostgreSQL timestamp or date converts to:
 * <ul>
 *   <li>timestamp as {@code MicroTimestamp} / {@code NanoTimestamp}: {@link Long#MAX_VALUE} and {@link Long#MIN_VALUE}
 *       (the conversion saturates); as milliseconds ({@code io.debezium.time.Timestamp}, Connect Timestamp):
 *       {@value #MILLIS_INFINITY} and {@value #MILLIS_NEGATIVE_INFINITY} (the PostgreSQL driver's infinity dates);</li>
 *   <li>timestamptz ({@code ZonedTimestamp}): the text {@code infinity} / {@code -infinity};</li>
 *   <li>date (epoch days): streamed, {@value #DAYS_INFINITY} and {@value #DAYS_NEGATIVE_INFINITY} (beyond
 *       PostgreSQL's last and first date); read by the initial load (JDBC), the driver's infinity dates overflow
 *       Debezium's int conversion to {@value #SNAPSHOT_DAYS_INFINITY} and {@value #SNAPSHOT_DAYS_NEGATIVE_INFINITY},
 *       over a million years before PostgreSQL's first date (4713 BC), so no real date is taken for them;</li>
 *   <li>numeric without precision ({@code VariableScaleDecimal}): an empty {@code value} with {@code scale} 0 for
 *       NaN, 1 for Infinity and -1 for -Infinity, as cdc-ingest's numeric converter writes it (no number has an
 *       empty unscaled value).</li>
 * </ul>
 */
public final class SpecialValues {

    static final long MILLIS_INFINITY = 9223372036825200000L;
    static final long MILLIS_NEGATIVE_INFINITY = -9223372036832400000L;
    static final long DAYS_INFINITY = 2146033979L;
    static final long DAYS_NEGATIVE_INFINITY = -2147472691L;
    static final long SNAPSHOT_DAYS_INFINITY = -622191234L;
    static final long SNAPSHOT_DAYS_NEGATIVE_INFINITY = -625821272L;

    private SpecialValues() {
    }

    /** The infinity {@code value} (a timestamp column's number or Date) stands for, else null. */
    static SpecialValue timestamp(String schemaName, Object value) {
        long v = value instanceof Date d ? d.getTime() : ((Number) value).longValue();
        boolean millis = value instanceof Date || !(ColumnTypes.DBZ_MICRO_TIMESTAMP.equals(schemaName)
                || ColumnTypes.DBZ_NANO_TIMESTAMP.equals(schemaName));
        if (v == Long.MAX_VALUE || (millis && v == MILLIS_INFINITY)) {
            return SpecialValue.INFINITY;
        }
        if (v == Long.MIN_VALUE || (millis && v == MILLIS_NEGATIVE_INFINITY)) {
            return SpecialValue.NEGATIVE_INFINITY;
        }
        return null;
    }

    static SpecialValue zonedTimestamp(String text) {
        return switch (text) {
            case "infinity" -> SpecialValue.INFINITY;
            case "-infinity" -> SpecialValue.NEGATIVE_INFINITY;
            default -> null;
        };
    }

    static SpecialValue date(Object value) {
        long days = value instanceof Date d ? Math.floorDiv(d.getTime(), 86_400_000L) : ((Number) value).longValue();
        if (value instanceof Date d && (d.getTime() == MILLIS_INFINITY || d.getTime() == MILLIS_NEGATIVE_INFINITY)) {
            return d.getTime() > 0 ? SpecialValue.INFINITY : SpecialValue.NEGATIVE_INFINITY;
        }
        if (days == DAYS_INFINITY || days == SNAPSHOT_DAYS_INFINITY || days == Integer.MAX_VALUE) {
            return SpecialValue.INFINITY;
        }
        if (days == DAYS_NEGATIVE_INFINITY || days == SNAPSHOT_DAYS_NEGATIVE_INFINITY || days == Integer.MIN_VALUE) {
            return SpecialValue.NEGATIVE_INFINITY;
        }
        return null;
    }

    /** The special numeric an empty unscaled value with this scale stands for. */
    static SpecialValue numeric(int scale) {
        return switch (scale) {
            case 0 -> SpecialValue.NUMERIC_NAN;
            case 1 -> SpecialValue.NUMERIC_INFINITY;
            case -1 -> SpecialValue.NUMERIC_NEGATIVE_INFINITY;
            default -> throw new IllegalArgumentException("a VariableScaleDecimal with an empty value and scale " + scale
                    + " is no number and none of NaN (0), Infinity (1), -Infinity (-1)");
        };
    }
}
