package dev.sluice.sink.dialect.duckdb;

import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.Dialect;
import dev.sluice.sink.dialect.WarehouseConnection;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.duckdb.DuckDBConnection;

/**
 * DuckDB: connections come from {@link SharedDuckDb} (one instance and one writer per file in the JVM);
 * staging tables are filled with the Appender.
 * DuckDB's DECIMAL holds at most 38 digits, so wider decimals and Debezium's VariableScaleDecimal
 * (whose scale changes per value) are stored as DOUBLE, losing digits beyond double precision.
 */
public final class DuckDbDialect implements Dialect {
    static final String PREFIX = "jdbc:duckdb:";
    private static final int MAX_DECIMAL_PRECISION = 38;

    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    public boolean accepts(String jdbcUrl) {
        return jdbcUrl.startsWith(PREFIX);
    }

    @Override
    public WarehouseConnection connect(String jdbcUrl, String user, String password) throws SQLException {
        return SharedDuckDb.acquire(jdbcUrl);
    }

    @Override
    public String sqlType(ColumnType type) {
        return switch (type.kind()) {
            case SMALLINT -> "SMALLINT";
            case INTEGER -> "INTEGER";
            case BIGINT -> "BIGINT";
            case REAL -> "REAL";
            case DOUBLE, VARIABLE_DECIMAL -> "DOUBLE";
            case BOOLEAN -> "BOOLEAN";
            case TEXT -> "VARCHAR";
            case BYTES -> "BLOB";
            case DECIMAL -> fitsDecimal(type) ? "DECIMAL(" + type.precision() + ", " + type.scale() + ")" : "DOUBLE";
            case DATE -> "DATE";
            case TIME -> "TIME";
            case TIMESTAMP -> "TIMESTAMP";
            case TIMESTAMPTZ -> "TIMESTAMPTZ";
            case UUID -> "UUID";
            case JSON -> "JSON";
        };
    }

    @Override
    public void bind(PreparedStatement statement, int index, ColumnType type, Object value) throws SQLException {
        if (value instanceof BigDecimal d && (type.kind() == ColumnType.Kind.VARIABLE_DECIMAL || !fitsDecimal(type))) {
            statement.setDouble(index, d.doubleValue());
        } else if (value != null && type.kind() == ColumnType.Kind.JSON) {
            statement.setString(index, (String) value); // the driver has no JDBC type for JSON; DuckDB casts the text
        } else {
            Dialect.super.bind(statement, index, type, value);
        }
    }

    @Override
    public void loadStaging(WarehouseConnection connection, String stagingTable, List<String> columns, List<ColumnType> types,
                            List<Object[]> rows) throws SQLException {
        DuckDbAppenderLoad.load((DuckDBConnection) connection.jdbc(), stagingTable, types, rows);
    }

    static boolean fitsDecimal(ColumnType type) {
        return type.precision() > 0 && type.precision() <= MAX_DECIMAL_PRECISION;
    }
}
