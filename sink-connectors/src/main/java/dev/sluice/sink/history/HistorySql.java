package dev.sluice.sink.history;

import static dev.sluice.sink.dialect.Identifiers.quote;

import dev.sluice.sink.write.RowRecord;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL that adds staged versions to a history table and re-points its intervals, shared by PostgreSQL and DuckDB.
 * A version's identity is (key, {@code __version}): a version stored already is left alone, so a replay is a no-op.
 * The intervals of every key the batch touched are then recomputed from its stored versions in {@code __version}
 * order, which makes them a function of the set of versions, not of the order they arrived in.
 */
final class HistorySql {
    private static final String TARGET = quote("__sluice_target");
    private static final String VERSION = quote(RowRecord.VERSION);
    private static final String SOURCE_TS = quote(RowRecord.SOURCE_TS);
    private static final String VALID_FROM = quote(HistoryTable.VALID_FROM);
    private static final String VALID_TO = quote(HistoryTable.VALID_TO);
    private static final String IS_CURRENT = quote(HistoryTable.IS_CURRENT);
    private static final String IS_DELETED = quote(HistoryTable.IS_DELETED);

    private HistorySql() {
    }

    /** Adds the staged versions not stored yet; {@code columns} excludes the interval columns (set by {@link #repoint}). */
    static String insertNew(String history, String staging, List<String> columns, List<String> identity) {
        return "INSERT INTO " + quote(history) + " (" + list(columns) + ") SELECT " + list(columns) + " FROM " + quote(staging)
                + " ON CONFLICT (" + list(identity) + ") DO NOTHING";
    }

    /**
     * Recomputes the intervals of every key in the staging table. {@code valid_from} is the newest {@code __source_ts}
     * among the key's versions up to this one (so it never runs backwards, even if the source clock did);
     * {@code valid_to} is the next version's {@code valid_from}; the newest version is current unless it is a delete.
     * Only rows whose interval changed are written.
     */
    static String repoint(String history, String staging, List<String> keyColumns) {
        String keys = list(keyColumns);
        String byKey = "OVER (PARTITION BY " + keys + " ORDER BY " + VERSION;
        String touched = keyColumns.stream().map(k -> "s." + quote(k) + " = h." + quote(k)).collect(Collectors.joining(" AND "));
        String runningMax = "SELECT " + keys + ", " + VERSION + ", " + IS_DELETED + ", MAX(" + SOURCE_TS + ") " + byKey
                + " ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS " + VALID_FROM + " FROM " + quote(history)
                + " AS h WHERE EXISTS (SELECT 1 FROM " + quote(staging) + " AS s WHERE " + touched + ")";
        String intervals = "SELECT " + keys + ", " + VERSION + ", " + VALID_FROM + ", LEAD(" + VALID_FROM + ") " + byKey + ") AS "
                + VALID_TO + ", NOT " + IS_DELETED + " AND LEAD(" + VERSION + ") " + byKey + ") IS NULL AS " + IS_CURRENT
                + " FROM (" + runningMax + ") AS r";
        String match = keyColumns.stream().map(k -> TARGET + "." + quote(k) + " = w." + quote(k)).collect(Collectors.joining(" AND "));
        return "UPDATE " + quote(history) + " AS " + TARGET + " SET " + VALID_FROM + " = w." + VALID_FROM + ", " + VALID_TO + " = w."
                + VALID_TO + ", " + IS_CURRENT + " = w." + IS_CURRENT + " FROM (" + intervals + ") AS w WHERE " + match + " AND "
                + TARGET + "." + VERSION + " = w." + VERSION + " AND (" + changed(VALID_FROM) + " OR " + changed(VALID_TO) + " OR "
                + changed(IS_CURRENT) + ")";
    }

    /** The distinct {@link HistoryTable#UNSENT} values among the stored versions of the keys in the staging table. */
    static String unsentOfTouchedKeys(String history, String staging, List<String> keyColumns) {
        String unsent = quote(HistoryTable.UNSENT);
        return "SELECT DISTINCT h." + unsent + " FROM " + quote(history) + " AS h WHERE h." + unsent + " IS NOT NULL AND EXISTS"
                + " (SELECT 1 FROM " + quote(staging) + " AS s WHERE " + touched(keyColumns, "h") + ")";
    }

    /**
     * Gives each version of a touched key that did not receive {@code column} the value of the key's nearest earlier
     * version that did (its value at the source then, since the change left it alone). Run after every insert, so a
     * late earlier version fills the versions after it too.
     */
    static String fillUnsent(String history, String staging, List<String> keyColumns, String column) {
        String unsent = quote(HistoryTable.UNSENT);
        String name = "'," + column.replace("'", "''") + ",'";
        String sameKey = keyColumns.stream().map(k -> "p." + quote(k) + " = " + TARGET + "." + quote(k))
                .collect(Collectors.joining(" AND "));
        String previous = "SELECT p." + quote(column) + " FROM " + quote(history) + " AS p WHERE " + sameKey + " AND p." + VERSION
                + " < " + TARGET + "." + VERSION + " AND NOT p." + IS_DELETED + " AND (p." + unsent + " IS NULL OR position(" + name
                + " IN p." + unsent + ") = 0) ORDER BY p." + VERSION + " DESC LIMIT 1";
        return "UPDATE " + quote(history) + " AS " + TARGET + " SET " + quote(column) + " = (" + previous + ") WHERE position("
                + name + " IN " + TARGET + "." + unsent + ") > 0 AND EXISTS (SELECT 1 FROM " + quote(staging) + " AS s WHERE "
                + touched(keyColumns, TARGET) + ")";
    }

    private static String touched(List<String> keyColumns, String alias) {
        return keyColumns.stream().map(k -> "s." + quote(k) + " = " + alias + "." + quote(k)).collect(Collectors.joining(" AND "));
    }

    private static String changed(String column) {
        return TARGET + "." + column + " IS DISTINCT FROM w." + column;
    }

    private static String list(List<String> columns) {
        return columns.stream().map(c -> quote(c)).collect(Collectors.joining(", "));
    }
}
