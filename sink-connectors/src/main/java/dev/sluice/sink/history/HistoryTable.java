package dev.sluice.sink.history;

import dev.sluice.sink.dialect.ColumnType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A table's SCD type 2 history, {@code <table>_history}: one row per version of a source row, identified by
 * (key, {@code __version}), with its columns, {@code __source_ts}, {@code __version} and the interval it held:
 * {@code [valid_from, valid_to)} in source commit milliseconds ({@code valid_to} NULL for the newest version),
 * {@code is_current} (the newest version of a live key) and {@code is_deleted} (a delete closing the key's life), and
 * {@link #UNSENT}.
 */
public final class HistoryTable {
    public static final String SUFFIX = "_history";
    public static final String VALID_FROM = "valid_from";
    public static final String VALID_TO = "valid_to";
    public static final String IS_CURRENT = "is_current";
    public static final String IS_DELETED = "is_deleted";
    /**
     * Names of the columns whose value the source did not send (an unchanged TOASTed value), as ",a,b,"; NULL when
     * it sent every one. Such a column holds the value of the key's previous version that had it.
     */
    public static final String UNSENT = "__unsent_columns";

    /** The columns a history table has beyond the row's, in table order. */
    static final Map<String, ColumnType> COLUMNS = columns();

    private HistoryTable() {
    }

    public static String of(String table) {
        return table + SUFFIX;
    }

    private static Map<String, ColumnType> columns() {
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        columns.put(VALID_FROM, ColumnType.of(ColumnType.Kind.BIGINT));
        columns.put(VALID_TO, ColumnType.of(ColumnType.Kind.BIGINT));
        columns.put(IS_CURRENT, ColumnType.of(ColumnType.Kind.BOOLEAN));
        columns.put(IS_DELETED, ColumnType.of(ColumnType.Kind.BOOLEAN));
        columns.put(UNSENT, ColumnType.of(ColumnType.Kind.TEXT));
        return Collections.unmodifiableMap(columns);
    }
}
