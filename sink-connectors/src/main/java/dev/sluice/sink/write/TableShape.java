package dev.sluice.sink.write;

import dev.sluice.sink.dialect.ColumnType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The columns one batch writes into one table: the union of the rows' columns (schemas may change within a batch),
 * key columns first as the record key declares them, {@code __source_ts}/{@code __version}/{@code __deleted} last.
 */
public final class TableShape {
    private final List<String> keyColumns;
    private final Map<String, ColumnType> columns;

    public TableShape(List<String> keyColumns, Map<String, ColumnType> columns) {
        this.keyColumns = List.copyOf(keyColumns);
        this.columns = columns;
    }

    public static TableShape of(Collection<RowRecord> rows) {
        RowRecord first = rows.iterator().next();
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        for (RowRecord row : rows) {
            row.columns().forEach((name, column) -> {
                if (!isMeta(name)) {
                    columns.putIfAbsent(name, column.type());
                }
            });
        }
        for (String meta : List.of(RowRecord.SOURCE_TS, RowRecord.VERSION, RowRecord.DELETED)) {
            columns.put(meta, first.columns().get(meta).type());
        }
        return new TableShape(first.keyColumns(), columns);
    }

    public List<String> keyColumns() {
        return keyColumns;
    }

    public List<String> columnNames() {
        return new ArrayList<>(columns.keySet());
    }

    public List<ColumnType> columnTypes() {
        return new ArrayList<>(columns.values());
    }

    public Map<String, ColumnType> columns() {
        return columns;
    }

    /** The row's values in column order; a column the row lacks is null. */
    public Object[] valuesOf(RowRecord row) {
        Object[] values = new Object[columns.size()];
        int i = 0;
        for (String name : columns.keySet()) {
            RowRecord.Column c = row.columns().get(name);
            values[i++] = c == null ? null : c.value();
        }
        return values;
    }

    static boolean isMeta(String name) {
        return name.equals(RowRecord.SOURCE_TS) || name.equals(RowRecord.VERSION) || name.equals(RowRecord.DELETED);
    }
}
