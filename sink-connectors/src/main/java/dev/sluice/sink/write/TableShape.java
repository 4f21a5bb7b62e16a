package dev.sluice.sink.write;

import dev.sluice.sink.dialect.ColumnType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The columns one batch writes into one table: the union of the rows' columns (schemas may change within a batch),
 * key columns first as the record key declares them, {@code __source_ts}/{@code __version}/{@code __deleted} last.
 * The staging table has one more column, {@link #UNCHANGED}: for a row with columns the source did not send (TOAST),
 * their positions as digits and commas ("2,5"), else null; the writer upserts such rows without those columns.
 */
public final class TableShape {
    public static final String UNCHANGED = "__sluice_unchanged";
    private static final ColumnType TEXT = ColumnType.of(ColumnType.Kind.TEXT);

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

    public List<String> stagingColumnNames() {
        List<String> names = columnNames();
        names.add(UNCHANGED);
        return names;
    }

    public List<ColumnType> stagingColumnTypes() {
        List<ColumnType> types = columnTypes();
        types.add(TEXT);
        return types;
    }

    /** The row's values in column order; a column the row lacks, or did not receive (TOAST), is null. */
    public Object[] valuesOf(RowRecord row) {
        Object[] values = new Object[columns.size()];
        int i = 0;
        for (String name : columns.keySet()) {
            RowRecord.Column c = row.columns().get(name);
            values[i++] = c == null || c.unchanged() ? null : c.value();
        }
        return values;
    }

    /** {@link #valuesOf} plus the {@link #UNCHANGED} marker. */
    public Object[] stagingValuesOf(RowRecord row) {
        Object[] values = java.util.Arrays.copyOf(valuesOf(row), columns.size() + 1);
        values[columns.size()] = unchangedMarker(row);
        return values;
    }

    /** Positions of the row's unchanged columns ("2,5"), or null when it has none. */
    public String unchangedMarker(RowRecord row) {
        if (!row.hasUnchanged()) {
            return null;
        }
        StringJoiner marker = new StringJoiner(",");
        int i = 0;
        for (String name : columns.keySet()) {
            RowRecord.Column c = row.columns().get(name);
            if (c != null && c.unchanged()) {
                marker.add(Integer.toString(i));
            }
            i++;
        }
        return marker.toString();
    }

    /** The columns written for rows with the given marker: all but the unchanged ones. */
    public List<String> columnsWithout(String marker) {
        List<String> names = columnNames();
        if (marker == null) {
            return names;
        }
        List<String> kept = new ArrayList<>(names);
        for (String position : marker.split(",")) {
            kept.remove(names.get(Integer.parseInt(position)));
        }
        return kept;
    }

    static boolean isMeta(String name) {
        return name.equals(RowRecord.SOURCE_TS) || name.equals(RowRecord.VERSION) || name.equals(RowRecord.DELETED);
    }
}
