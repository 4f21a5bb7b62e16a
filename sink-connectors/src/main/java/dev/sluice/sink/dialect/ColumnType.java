package dev.sluice.sink.dialect;

import java.sql.Types;

/**
 * A column's database-neutral type, derived from a Connect schema; each {@link Dialect} spells it in its own SQL.
 * {@code precision} and {@code scale} matter only for {@link Kind#DECIMAL} (precision 0 = not given).
 */
public record ColumnType(Kind kind, int precision, int scale) {

    /** The storage kinds the sink knows, each with the JDBC type used to bind a null. */
    public enum Kind {
        SMALLINT(Types.SMALLINT), INTEGER(Types.INTEGER), BIGINT(Types.BIGINT), REAL(Types.REAL), DOUBLE(Types.DOUBLE),
        BOOLEAN(Types.BOOLEAN), TEXT(Types.VARCHAR), BYTES(Types.BINARY), DECIMAL(Types.NUMERIC),
        /** Debezium's VariableScaleDecimal: the scale differs per value. */
        VARIABLE_DECIMAL(Types.NUMERIC),
        DATE(Types.DATE), TIME(Types.TIME), TIMESTAMP(Types.TIMESTAMP), TIMESTAMPTZ(Types.TIMESTAMP_WITH_TIMEZONE),
        UUID(Types.OTHER), JSON(Types.OTHER);

        private final int jdbcType;

        Kind(int jdbcType) {
            this.jdbcType = jdbcType;
        }

        public int jdbcType() {
            return jdbcType;
        }
    }

    public static ColumnType of(Kind kind) {
        return new ColumnType(kind, 0, 0);
    }

    public static ColumnType decimal(int precision, int scale) {
        return new ColumnType(Kind.DECIMAL, precision, scale);
    }
}
