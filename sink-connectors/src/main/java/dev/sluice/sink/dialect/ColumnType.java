package dev.sluice.sink.dialect;

import java.sql.Types;

/**
 * A column's database-neutral type, derived from a Connect schema; each {@link Dialect} spells it in its own SQL.
 * {@code precision} and {@code scale} matter only for {@link Kind#DECIMAL} (precision 0 = not given);
 * {@code element} only for {@link Kind#ARRAY} (the type of its items, never itself an array);
 * {@code source} only for {@link Kind#SOURCE_TEXT} (one of {@link SourceTypes}' PostgreSQL types, e.g. {@code bit(5)}).
 */
public record ColumnType(Kind kind, int precision, int scale, ColumnType element, String source) {

    /** The storage kinds the sink knows, each with the JDBC type used to bind a null. */
    public enum Kind {
        SMALLINT(Types.SMALLINT), INTEGER(Types.INTEGER), BIGINT(Types.BIGINT), REAL(Types.REAL), DOUBLE(Types.DOUBLE),
        BOOLEAN(Types.BOOLEAN), TEXT(Types.VARCHAR), BYTES(Types.BINARY), DECIMAL(Types.NUMERIC),
        /** Debezium's VariableScaleDecimal: the scale differs per value. */
        VARIABLE_DECIMAL(Types.NUMERIC),
        DATE(Types.DATE), TIME(Types.TIME), TIMESTAMP(Types.TIMESTAMP), TIMESTAMPTZ(Types.TIMESTAMP_WITH_TIMEZONE),
        /** A time of day with offset (Debezium's ZonedTime, always at UTC). */
        TIMETZ(Types.TIME_WITH_TIMEZONE),
        /** A duration as months, days and microseconds (Debezium's MicroDuration or Interval). */
        INTERVAL(Types.OTHER),
        UUID(Types.OTHER), JSON(Types.OTHER),
        /** A one-dimensional array of {@link ColumnType#element()}. */
        ARRAY(Types.ARRAY),
        /**
         * A PostgreSQL value carried as its text, of the type {@link ColumnType#source()} (bit strings, ranges, json):
         * PostgreSQL stores that type, DuckDB the nearest one it has.
         */
        SOURCE_TEXT(Types.OTHER);

        private final int jdbcType;

        Kind(int jdbcType) {
            this.jdbcType = jdbcType;
        }

        public int jdbcType() {
            return jdbcType;
        }
    }

    public ColumnType(Kind kind, int precision, int scale) {
        this(kind, precision, scale, null, null);
    }

    public static ColumnType of(Kind kind) {
        return new ColumnType(kind, 0, 0);
    }

    public static ColumnType decimal(int precision, int scale) {
        return new ColumnType(Kind.DECIMAL, precision, scale);
    }

    public static ColumnType array(ColumnType element) {
        return new ColumnType(Kind.ARRAY, 0, 0, element, null);
    }

    /** A value of the PostgreSQL type {@code source} (as {@link SourceTypes} spells it), carried as its text. */
    public static ColumnType sourceText(String source) {
        return new ColumnType(Kind.SOURCE_TEXT, 0, 0, null, source);
    }
}
