package dev.sluice.sink.dialect.duckdb;

import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.Dialect;
import dev.sluice.sink.dialect.Identifiers;
import dev.sluice.sink.dialect.SourceTypes;
import dev.sluice.sink.dialect.WarehouseConnection;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.duckdb.DuckDBConnection;

/**
 * DuckDB: connections come from {@link SharedDuckDb} (one instance and one writer per file in the JVM);
 * staging tables are filled with the Appender.
 * DuckDB's DECIMAL holds at most 38 digits, so wider decimals and Debezium's VariableScaleDecimal (PostgreSQL
 * {@code numeric} without precision, whose scale changes per value) are stored as their exact text in a VARCHAR:
 * no digit is lost, and {@code CAST(col AS DOUBLE)} or {@code AS DECIMAL(p,s)} computes with them.
 * The appender (DuckDB 1.5) cannot write INTERVAL or BIT columns, so those are staged as VARCHAR and cast by the upsert.
 * PostgreSQL types DuckDB lacks ({@link SourceTypes}: ranges) keep their PostgreSQL text in a VARCHAR.
 */
public final class DuckDbDialect implements Dialect {
    static final String PREFIX = "jdbc:duckdb:";
    private static final int MAX_DECIMAL_PRECISION = 38;

    @Override
    public boolean foldsNameCase() {
        return true;
    }

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
            case DOUBLE -> "DOUBLE";
            case VARIABLE_DECIMAL -> "VARCHAR";
            case BOOLEAN -> "BOOLEAN";
            case TEXT -> "VARCHAR";
            case BYTES -> "BLOB";
            case DECIMAL -> fitsDecimal(type) ? "DECIMAL(" + type.precision() + ", " + type.scale() + ")" : "VARCHAR";
            case DATE -> "DATE";
            case TIME -> "TIME";
            case TIMESTAMP -> "TIMESTAMP";
            case TIMESTAMPTZ -> "TIMESTAMPTZ";
            case TIMETZ -> "TIMETZ";
            case INTERVAL -> "INTERVAL";
            case UUID -> "UUID";
            case JSON -> "JSON";
            case ARRAY -> sqlType(type.element()) + "[]";
            case SOURCE_TEXT -> SourceTypes.duckDb(type.source());
        };
    }

    /** DuckDB: "Cannot change the type of a column that has a UNIQUE or PRIMARY KEY constraint" (the sink copies the table). */
    @Override
    public boolean canAlterKeyColumnType() {
        return false;
    }

    @Override
    public void bind(PreparedStatement statement, int index, ColumnType type, Object value) throws SQLException {
        if (value instanceof dev.sluice.sink.dialect.SpecialValue special) {
            statement.setString(index, special.text()); // DuckDB casts 'infinity'; a DECIMAL refuses 'NaN' (a data error)
        } else if (value instanceof BigDecimal d && (type.kind() == ColumnType.Kind.VARIABLE_DECIMAL || !fitsDecimal(type))) {
            statement.setString(index, d.toPlainString());
        } else if (value != null && (type.kind() == ColumnType.Kind.JSON || type.kind() == ColumnType.Kind.INTERVAL
                || type.kind() == ColumnType.Kind.SOURCE_TEXT)) {
            statement.setString(index, (String) value); // the driver has no JDBC type for these; DuckDB casts the text
        } else {
            Dialect.super.bind(statement, index, type, value);
        }
    }

    @Override
    public void loadStaging(WarehouseConnection connection, String stagingTable, List<String> columns, List<ColumnType> types,
                            List<Object[]> rows) throws SQLException {
        for (int i = 0; i < types.size(); i++) {
            if (stagedAsText(types.get(i))) {
                try (Statement s = connection.jdbc().createStatement()) {
                    s.execute("ALTER TABLE " + Identifiers.quote(stagingTable) + " ALTER COLUMN "
                            + Identifiers.quote(columns.get(i)) + " SET DATA TYPE VARCHAR");
                }
            }
        }
        DuckDbAppenderLoad.load((DuckDBConnection) connection.jdbc(), stagingTable, types, rows);
    }

    /** Types the appender cannot write: staged as VARCHAR, DuckDB casts the text when the upsert inserts it. */
    private static boolean stagedAsText(ColumnType type) {
        return type.kind() == ColumnType.Kind.INTERVAL
                || (type.kind() == ColumnType.Kind.SOURCE_TEXT && SourceTypes.duckDb(type.source()).equals("BIT"));
    }

    static boolean fitsDecimal(ColumnType type) {
        return type.precision() > 0 && type.precision() <= MAX_DECIMAL_PRECISION;
    }
}
