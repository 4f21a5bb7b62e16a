package dev.sluice.sink.write;

import static dev.sluice.sink.dialect.Identifiers.quote;

import dev.sluice.sink.config.InsertMode;
import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.Dialect;
import dev.sluice.sink.dialect.SqlLiteral;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL that moves a staged batch into its target table, shared by PostgreSQL and DuckDB. Every statement is
 * version-guarded: a stored row changes only when the staged {@code __version} is greater, so replays and
 * out-of-order delivery never move a row backwards. Identifiers are always quoted; values never appear in SQL.
 */
public final class UpsertSql {
    private static final String TARGET = quote("__sluice_target");
    private static final String VERSION = quote(RowRecord.VERSION);
    private static final String DELETED = quote(RowRecord.DELETED);
    private static final List<String> META = List.of(RowRecord.SOURCE_TS, RowRecord.VERSION, RowRecord.DELETED);

    private final Dialect dialect;

    public UpsertSql(Dialect dialect) {
        this.dialect = dialect;
    }

    /** The table with the record key as primary key; without a key (pk.mode=none) a plain table. */
    public String createTable(String table, TableShape shape) {
        String columns = shape.columns().entrySet().stream()
                .map(e -> quote(e.getKey()) + " " + dialect.sqlType(e.getValue())
                        + (shape.keyColumns().contains(e.getKey()) ? " NOT NULL" : ""))
                .collect(Collectors.joining(", "));
        String key = shape.keyColumns().isEmpty() ? "" : ", PRIMARY KEY (" + list(shape.keyColumns()) + ")";
        return "CREATE TABLE IF NOT EXISTS " + quote(table) + " (" + columns + key + ")";
    }

    /**
     * Adds a nullable column. With a default (a {@link SqlLiteral}) the rows already stored get it, as PostgreSQL gives
     * it to rows written before {@code ADD COLUMN ... DEFAULT}; the second statement then drops the default again, so
     * rows the sink writes later without the column (after it was dropped at the source) get NULL, not an invented value.
     */
    public List<String> addColumn(String table, String column, ColumnType type, Object defaultValue) {
        String literal = defaultValue == null ? null : SqlLiteral.of(dialect, type, defaultValue);
        String add = "ALTER TABLE " + quote(table) + " ADD COLUMN IF NOT EXISTS " + quote(column) + " " + dialect.sqlType(type);
        if (literal == null) {
            return List.of(add);
        }
        return List.of(add + " DEFAULT " + literal,
                "ALTER TABLE " + quote(table) + " ALTER COLUMN " + quote(column) + " DROP DEFAULT");
    }

    /** Changes a column's type, converting the stored values with a cast (a widening never loses one). */
    public String alterType(String table, String column, ColumnType type) {
        String sqlType = dialect.sqlType(type);
        return "ALTER TABLE " + quote(table) + " ALTER COLUMN " + quote(column) + " TYPE " + sqlType
                + " USING CAST(" + quote(column) + " AS " + sqlType + ")";
    }

    /**
     * Re-creates a table with new column definitions (same columns, same order) and copies its rows: for a key column
     * whose type the database cannot ALTER. {@code aside} is the old table's name while it is copied.
     */
    public List<String> rebuild(String table, String aside, List<String> columnDefinitions, List<String> keyColumns) {
        return List.of("ALTER TABLE " + quote(table) + " RENAME TO " + quote(aside),
                "CREATE TABLE " + quote(table) + " (" + String.join(", ", columnDefinitions) + ", PRIMARY KEY ("
                        + list(keyColumns) + "))",
                "INSERT INTO " + quote(table) + " SELECT * FROM " + quote(aside),
                "DROP TABLE " + quote(aside));
    }

    public String renameColumn(String table, String from, String to) {
        return "ALTER TABLE " + quote(table) + " RENAME COLUMN " + quote(from) + " TO " + quote(to);
    }

    public String createStaging(String staging, TableShape shape) {
        List<String> names = shape.stagingColumnNames();
        List<ColumnType> types = shape.stagingColumnTypes();
        StringBuilder columns = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            columns.append(i == 0 ? "" : ", ").append(quote(names.get(i))).append(' ').append(dialect.sqlType(types.get(i)));
        }
        return "CREATE TEMPORARY TABLE " + quote(staging) + " (" + columns + ")";
    }

    public String dropStaging(String staging) {
        return "DROP TABLE IF EXISTS " + quote(staging);
    }

    /** Inserts or updates every staged row that is not a delete and has every column (see {@link #write}). */
    public String upsert(String table, String staging, TableShape shape) {
        return write(table, staging, shape, null, InsertMode.UPSERT);
    }

    /**
     * Writes the staged live rows whose {@link TableShape#UNCHANGED} marker equals {@code marker} (null: rows with
     * every column), leaving out the columns the marker names, so an unchanged TOASTed value keeps the stored one.
     * {@code upsert} updates a stored row when the staged version is newer; {@code insert} only adds new keys.
     */
    public String write(String table, String staging, TableShape shape, String marker, InsertMode mode) {
        List<String> columns = shape.columnsWithout(marker);
        // the marker holds digits and commas only (positions), so it can be a literal
        String where = "NOT " + DELETED + " AND " + quote(TableShape.UNCHANGED)
                + (marker == null ? " IS NULL" : " = '" + marker.replaceAll("[^0-9,]", "") + "'");
        String insert = insertSelect(table, staging, columns, where);
        if (mode == InsertMode.INSERT) {
            return insert + " ON CONFLICT (" + list(shape.keyColumns()) + ") DO NOTHING";
        }
        String set = columns.stream().filter(c -> !shape.keyColumns().contains(c))
                .map(c -> quote(c) + " = EXCLUDED." + quote(c)).collect(Collectors.joining(", "));
        return insert + onConflict(shape, set);
    }

    /** Appends every staged row (no key: pk.mode=none). */
    public String append(String table, String staging, TableShape shape) {
        return "INSERT INTO " + quote(table) + " (" + list(shape.columnNames()) + ") SELECT " + list(shape.columnNames())
                + " FROM " + quote(staging);
    }

    /**
     * Marks staged deletes: stored columns stay, version and flag move. A delete for a row never seen inserts the key
     * alone with {@code __deleted = true}, so a replayed older insert cannot resurrect it.
     */
    public String softDelete(String table, String staging, TableShape shape) {
        List<String> columns = new java.util.ArrayList<>(shape.keyColumns());
        columns.addAll(META);
        String set = META.stream().map(c -> quote(c) + " = EXCLUDED." + quote(c)).collect(Collectors.joining(", "));
        return insertSelect(table, staging, columns, DELETED) + onConflict(shape, set);
    }

    /** Removes stored rows older than a staged delete of the same key. */
    public String hardDelete(String table, String staging, TableShape shape) {
        String keyMatch = shape.keyColumns().stream()
                .map(k -> "s." + quote(k) + " = " + TARGET + "." + quote(k)).collect(Collectors.joining(" AND "));
        return "DELETE FROM " + quote(table) + " AS " + TARGET + " WHERE EXISTS (SELECT 1 FROM " + quote(staging) + " AS s WHERE s."
                + DELETED + " AND " + keyMatch + " AND (" + TARGET + "." + VERSION + " IS NULL OR " + TARGET + "." + VERSION
                + " < s." + VERSION + "))";
    }

    private static String insertSelect(String table, String staging, List<String> columns, String where) {
        return "INSERT INTO " + quote(table) + " AS " + TARGET + " (" + list(columns) + ") SELECT " + list(columns)
                + " FROM " + quote(staging) + " WHERE " + where;
    }

    private static String onConflict(TableShape shape, String set) {
        return " ON CONFLICT (" + list(shape.keyColumns()) + ") DO UPDATE SET " + set
                + " WHERE " + TARGET + "." + VERSION + " IS NULL OR " + TARGET + "." + VERSION + " < EXCLUDED." + VERSION;
    }

    private static String list(List<String> columns) {
        return columns.stream().map(c -> quote(c)).collect(Collectors.joining(", "));
    }
}
