package dev.sluice.sink.history;

import dev.sluice.sink.dialect.Dialect;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.table.TableManager;
import dev.sluice.sink.write.RowRecord;
import dev.sluice.sink.write.TableShape;
import dev.sluice.sink.write.UpsertSql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Writes a batch's versions of one table into its history table, on the batch's transaction (so the history commits
 * with the table, the progress and the offsets, or not at all). The history table is created and evolved like the
 * table itself ({@link TableManager}, with {@code schema.change.policy}); its key is the row's key plus
 * {@code __version}. Versions already stored are skipped and the touched keys' intervals recomputed
 * ({@link HistorySql}), so late, duplicate and replayed records leave the same history as one in-order delivery.
 */
public final class HistoryWriter {
    private final Dialect dialect;
    private final UpsertSql sql;
    private final TableManager tables;

    public HistoryWriter(Dialect dialect, TableManager tables) {
        this.dialect = dialect;
        this.sql = new UpsertSql(dialect);
        this.tables = tables;
    }

    /** @return the versions newly stored */
    public long write(WarehouseConnection connection, String table, Collection<RowRecord> versions, String staging)
            throws SQLException {
        TableShape rows = TableShape.of(versions);
        if (rows.keyColumns().isEmpty()) {
            throw new ConnectException("Table '" + table + "' has no primary key, so its history cannot tell its rows apart;"
                    + " remove it from history.tables or give it a key (pk.mode, pk.fields).");
        }
        String history = HistoryTable.of(table);
        TableShape shape = tables.ensure(connection, history, rows.versioned(HistoryTable.COLUMNS));
        execute(connection, sql.createStaging(staging, shape));
        int isDeleted = shape.columnNames().indexOf(HistoryTable.IS_DELETED);
        int unsent = shape.columnNames().indexOf(HistoryTable.UNSENT);
        List<Object[]> values = new ArrayList<>(versions.size());
        for (RowRecord row : versions) {
            Object[] staged = shape.stagingValuesOf(row);
            staged[isDeleted] = row.deleted();
            if (unsent >= 0) {
                staged[unsent] = unsentColumns(shape, row);
            }
            values.add(staged);
        }
        dialect.loadStaging(connection, staging, shape.stagingColumnNames(), shape.stagingColumnTypes(), values);
        List<String> columns = new ArrayList<>(shape.columnNames());
        columns.removeAll(List.of(HistoryTable.VALID_FROM, HistoryTable.VALID_TO, HistoryTable.IS_CURRENT));
        long added = update(connection, HistorySql.insertNew(history, staging, columns, shape.keyColumns()));
        List<String> keyColumns = shape.keyColumns().subList(0, shape.keyColumns().size() - 1); // without __version
        if (unsent >= 0) {
            for (String column : unsentColumnsStored(connection, history, staging, keyColumns, shape)) {
                update(connection, HistorySql.fillUnsent(history, staging, keyColumns, column));
            }
        }
        update(connection, HistorySql.repoint(history, staging, keyColumns));
        execute(connection, sql.dropStaging(staging));
        return added;
    }

    /** ",a,b," for the row's columns the source did not send, or null. */
    private static String unsentColumns(TableShape shape, RowRecord row) {
        String marker = shape.unchangedMarker(row);
        if (marker == null) {
            return null;
        }
        List<String> names = shape.columnNames();
        StringBuilder unsent = new StringBuilder(",");
        for (String position : marker.split(",")) {
            unsent.append(names.get(Integer.parseInt(position))).append(',');
        }
        return unsent.toString();
    }

    /** The columns some stored version of a touched key did not receive, that the history still has. */
    private static Set<String> unsentColumnsStored(WarehouseConnection connection, String history, String staging,
                                                   List<String> keyColumns, TableShape shape) throws SQLException {
        Set<String> columns = new LinkedHashSet<>();
        try (Statement s = connection.jdbc().createStatement();
             ResultSet rs = s.executeQuery(HistorySql.unsentOfTouchedKeys(history, staging, keyColumns))) {
            while (rs.next()) {
                for (String name : rs.getString(1).split(",")) {
                    if (!name.isEmpty() && shape.columns().containsKey(name)) {
                        columns.add(name);
                    }
                }
            }
        }
        return columns;
    }

    private static long update(WarehouseConnection connection, String statement) throws SQLException {
        try (Statement s = connection.jdbc().createStatement()) {
            return s.executeUpdate(statement);
        }
    }

    private static void execute(WarehouseConnection connection, String statement) throws SQLException {
        try (Statement s = connection.jdbc().createStatement()) {
            s.execute(statement);
        }
    }
}
