package dev.sluice.sink.dialect;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * What differs between warehouses: how to connect, how to spell a column type, how to bind a value and how
 * to load rows into a staging table. The upsert SQL itself ({@code INSERT ... ON CONFLICT ... DO UPDATE ... WHERE})
 * is shared, since PostgreSQL and DuckDB accept the same form.
 */
public interface Dialect {
    String name();

    /** Whether this dialect serves the JDBC URL. */
    boolean accepts(String jdbcUrl);

    WarehouseConnection connect(String jdbcUrl, String user, String password) throws SQLException;

    String sqlType(ColumnType type);

    /** Whether ALTER COLUMN ... TYPE works on a primary-key column (DuckDB refuses it: the sink then copies the table). */
    default boolean canAlterKeyColumnType() {
        return true;
    }

    /** Whether the warehouse matches quoted table names case-insensitively (DuckDB: "Users" is users). */
    default boolean foldsNameCase() {
        return false;
    }

    /** The longest table name, in UTF-8 bytes, the warehouse keeps whole (PostgreSQL cuts longer ones). */
    default int maxNameBytes() {
        return Integer.MAX_VALUE;
    }

    /** Binds one converted value (see {@link JdbcValues}); null values are bound as typed nulls. */
    default void bind(PreparedStatement statement, int index, ColumnType type, Object value) throws SQLException {
        if (value == null) {
            statement.setNull(index, type.kind().jdbcType());
        } else if (value instanceof SpecialValue special) {
            statement.setObject(index, special.text(), java.sql.Types.OTHER); // the database parses 'infinity', 'NaN'
        } else {
            statement.setObject(index, value);
        }
    }

    /**
     * Loads rows (already converted, one value per column in order) into an existing, empty staging table.
     * The default uses batched INSERTs; a dialect may stream them (COPY, appender).
     */
    default void loadStaging(WarehouseConnection connection, String stagingTable, List<String> columns,
                             List<ColumnType> types, List<Object[]> rows) throws SQLException {
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(Identifiers.quote(stagingTable)).append(" (");
        for (int i = 0; i < columns.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(Identifiers.quote(columns.get(i)));
        }
        sql.append(") VALUES (").append("?, ".repeat(columns.size() - 1)).append("?)");
        try (PreparedStatement ps = connection.jdbc().prepareStatement(sql.toString())) {
            int pending = 0;
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    bind(ps, i + 1, types.get(i), row[i]);
                }
                ps.addBatch();
                if (++pending == 1000) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }
}
