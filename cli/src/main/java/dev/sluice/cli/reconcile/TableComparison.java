package dev.sluice.cli.reconcile;

import java.util.List;

/**
 * The outcome of comparing one table between source and warehouse; {@code keys} names up to
 * {@link Reconciler#KEYS_KEPT} keys that differ, so a failed run can trace them through the topics.
 */
public record TableComparison(String table, long sourceRows, long warehouseRows,
                              long missing, long extra, long different, String example, List<KeyDifference> keys) {

    /**
     * One key that differs: {@code kind} is missing, different or extra; {@code warehouseVersion} is the warehouse
     * row's {@code __version} (null when it has no row or no such column), i.e. the newest change the sink applied.
     */
    public record KeyDifference(String key, String kind, Long warehouseVersion) {
    }

    public TableComparison {
        keys = keys == null ? List.of() : List.copyOf(keys);
    }

    public boolean matches() {
        return missing == 0 && extra == 0 && different == 0 && sourceRows == warehouseRows;
    }

    public String line() {
        return String.format("%-28s source %9d rows  warehouse %9d rows  missing %d  extra %d  different %d  %s",
                table, sourceRows, warehouseRows, missing, extra, different,
                matches() ? "OK" : "MISMATCH" + (example == null ? "" : " (e.g. " + example + ")"));
    }
}
