package dev.sluice.sink.write;

import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.JdbcValues;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The columns one batch writes into one table: the union of the rows' columns (schemas may change within a batch),
 * key columns first as the record key declares them, {@code __source_ts}/{@code __version}/{@code __deleted} last.
 * The staging table has one more column, {@link #UNCHANGED}: for a row with columns the source did not send (TOAST),
 * their positions as digits and commas ("2,5"), else null; the writer upserts such rows without those columns.
 * A row of an older schema lacking a column gets that field's default (NULL without one), as PostgreSQL gives rows
 * written before {@code ADD COLUMN ... DEFAULT}; after a rename ({@link #renamed}) its value under the former name.
 */
public final class TableShape {
    public static final String UNCHANGED = "__sluice_unchanged";
    private static final ColumnType TEXT = ColumnType.of(ColumnType.Kind.TEXT);

    private final List<String> keyColumns;
    private final Map<String, ColumnType> columns;
    /** The non-meta fields of the newest row (highest {@code __version}), in schema order: the source's current shape. */
    private final List<String> newestFields;
    /** Defaults of the newest row's fields: a row of an older schema lacking such a field gets its default. */
    private final Map<String, Object> defaults;
    /** Per column renamed in the warehouse, its former name: rows of an older schema carry the value under that name. */
    private final Map<String, String> formerNames;
    private final Collection<RowRecord> rows;
    /** Field values left out because the table keeps its shape (schema.change.policy=ignore). */
    private final long droppedValues;

    private TableShape(List<String> keyColumns, Map<String, ColumnType> columns, List<String> newestFields,
                       Map<String, Object> defaults, Map<String, String> formerNames, Collection<RowRecord> rows,
                       long droppedValues) {
        this.keyColumns = List.copyOf(keyColumns);
        this.columns = columns;
        this.newestFields = newestFields;
        this.defaults = defaults;
        this.formerNames = formerNames;
        this.rows = rows;
        this.droppedValues = droppedValues;
    }

    public static TableShape of(Collection<RowRecord> rows) {
        RowRecord first = rows.iterator().next();
        RowRecord newest = first;
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        for (RowRecord row : rows) {
            row.columns().forEach((name, column) -> {
                if (!isMeta(name)) {
                    columns.putIfAbsent(name, column.type());
                }
            });
            if (row.version() > newest.version()) {
                newest = row;
            }
        }
        for (String meta : List.of(RowRecord.SOURCE_TS, RowRecord.VERSION, RowRecord.DELETED)) {
            columns.put(meta, first.columns().get(meta).type());
        }
        List<String> newestFields = new ArrayList<>();
        Map<String, Object> defaults = new HashMap<>();
        newest.columns().forEach((name, column) -> {
            if (!isMeta(name)) {
                columns.put(name, column.type()); // a type changed within the batch: the newest one is the table's
                newestFields.add(name);
                if (column.defaultValue() != null) {
                    defaults.put(name, column.defaultValue());
                }
            }
        });
        return new TableShape(first.keyColumns(), columns, newestFields, defaults, Map.of(), rows, 0);
    }

    /** This shape with warehouse columns renamed ({@code formerName -> name}): rows still carrying a former name fill the new column. */
    public TableShape renamed(Map<String, String> newNameByFormer) {
        if (newNameByFormer.isEmpty()) {
            return this;
        }
        Map<String, ColumnType> renamed = new LinkedHashMap<>(columns);
        Map<String, String> former = new HashMap<>(formerNames);
        newNameByFormer.forEach((old, name) -> {
            ColumnType type = renamed.remove(old);
            renamed.putIfAbsent(name, type);
            former.put(name, old);
        });
        List<String> keys = keyColumns.stream().map(k -> newNameByFormer.getOrDefault(k, k)).toList();
        return new TableShape(keys, renamed, newestFields, defaults, former, rows, droppedValues);
    }

    /**
     * The shape of this table's history ({@code dev.sluice.sink.history}): the key plus {@code __version} as key, no
     * {@code __deleted}, and the given columns at the end. They count as sent fields, so a column the source adds is
     * never taken for a rename of one of them.
     */
    public TableShape versioned(Map<String, ColumnType> added) {
        List<String> keys = new ArrayList<>(keyColumns);
        keys.add(RowRecord.VERSION);
        Map<String, ColumnType> versioned = new LinkedHashMap<>(columns);
        versioned.remove(RowRecord.DELETED);
        versioned.putAll(added);
        List<String> fields = new ArrayList<>(newestFields);
        fields.addAll(added.keySet());
        return new TableShape(keys, versioned, fields, defaults, formerNames, rows, droppedValues);
    }

    /** This shape without the given (non-key) columns, counting the values the rows held for them. */
    public TableShape without(Collection<String> left) {
        if (left.isEmpty()) {
            return this;
        }
        Map<String, ColumnType> kept = new LinkedHashMap<>(columns);
        left.forEach(kept::remove);
        long dropped = 0;
        for (RowRecord row : rows) {
            for (String column : left) {
                RowRecord.Column c = row.columns().get(column);
                dropped += c != null && c.value() != null && !row.deleted() ? 1 : 0;
            }
        }
        return new TableShape(keyColumns, kept, newestFields, defaults, formerNames, rows, droppedValues + dropped);
    }

    /** The source's current fields (without the metadata columns), in its order. */
    public List<String> newestFields() {
        return newestFields;
    }

    /** The default of a field of the newest schema, or null. */
    public Object defaultOf(String column) {
        return defaults.get(column);
    }

    public long droppedValues() {
        return droppedValues;
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
        for (Map.Entry<String, ColumnType> column : columns.entrySet()) {
            RowRecord.Column c = columnOf(row, column.getKey());
            if (c == null) {
                values[i++] = defaults.get(column.getKey());
            } else if (c.unchanged()) {
                values[i++] = null;
            } else if (c.type() == column.getValue() || c.type().equals(column.getValue())) {
                values[i++] = c.value();
            } else {
                values[i++] = JdbcValues.coerce(c.value(), column.getValue()); // a row of an older schema version
            }
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
            RowRecord.Column c = columnOf(row, name);
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

    /** The row's column under its name, or under its former name when the warehouse renamed it. */
    private RowRecord.Column columnOf(RowRecord row, String name) {
        RowRecord.Column c = row.columns().get(name);
        if (c == null && !formerNames.isEmpty() && formerNames.containsKey(name)) {
            c = row.columns().get(formerNames.get(name));
        }
        return c;
    }

    public static boolean isMeta(String name) {
        return name.equals(RowRecord.SOURCE_TS) || name.equals(RowRecord.VERSION) || name.equals(RowRecord.DELETED);
    }
}
