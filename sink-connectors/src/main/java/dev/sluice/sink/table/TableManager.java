package dev.sluice.sink.table;

import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.write.TableShape;
import dev.sluice.sink.write.UpsertSql;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Makes a target table able to take a batch: creates it from the batch's shape (auto.create) and adds missing
 * columns as nullable (auto.evolve). Known columns are cached per table; {@link #invalidate()} after a rollback,
 * since DDL run in a failed transaction is undone. Fails with a {@link ConnectException} when DDL is needed but off.
 */
public final class TableManager {
    private final UpsertSql sql;
    private final boolean autoCreate;
    private final boolean autoEvolve;
    private final Map<String, Set<String>> knownColumns = new HashMap<>();

    public TableManager(UpsertSql sql, boolean autoCreate, boolean autoEvolve) {
        this.sql = sql;
        this.autoCreate = autoCreate;
        this.autoEvolve = autoEvolve;
    }

    /** Runs the DDL the shape needs on the connection's current transaction. */
    public void ensure(WarehouseConnection connection, String table, TableShape shape) throws SQLException {
        Set<String> columns = knownColumns.get(table);
        if (columns == null) {
            columns = columnsOf(connection, table);
            knownColumns.put(table, columns);
        }
        if (columns.isEmpty()) {
            if (!autoCreate) {
                throw new ConnectException("Table '" + table + "' does not exist; create it or set auto.create=true.");
            }
            execute(connection, sql.createTable(table, shape));
            columns.addAll(shape.columnNames());
            return;
        }
        List<String> missing = shape.columnNames().stream().filter(c -> !knownColumnsContain(table, c)).toList();
        if (!missing.isEmpty() && !autoEvolve) {
            throw new ConnectException("Table '" + table + "' lacks columns " + missing + "; add them or set auto.evolve=true.");
        }
        for (String column : missing) {
            execute(connection, sql.addColumn(table, column, shape));
            columns.add(column);
        }
    }

    public void invalidate() {
        knownColumns.clear();
    }

    private boolean knownColumnsContain(String table, String column) {
        return knownColumns.get(table).contains(column);
    }

    /** The table's column names in the current schema; empty when the table does not exist. */
    public static Set<String> columnsOf(WarehouseConnection connection, String table) throws SQLException {
        Set<String> columns = new HashSet<>();
        try (PreparedStatement ps = connection.jdbc().prepareStatement("SELECT column_name FROM information_schema.columns "
                + "WHERE table_schema = current_schema() AND table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    private static void execute(WarehouseConnection connection, String ddl) throws SQLException {
        try (Statement s = connection.jdbc().createStatement()) {
            s.execute(ddl);
        }
    }
}
