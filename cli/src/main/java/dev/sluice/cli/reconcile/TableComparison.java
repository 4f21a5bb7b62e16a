package dev.sluice.cli.reconcile;

/** The outcome of comparing one table between source and warehouse. */
public record TableComparison(String table, long sourceRows, long warehouseRows,
                              long missing, long extra, long different, String example) {

    public boolean matches() {
        return missing == 0 && extra == 0 && different == 0 && sourceRows == warehouseRows;
    }

    public String line() {
        return String.format("%-28s source %9d rows  warehouse %9d rows  missing %d  extra %d  different %d  %s",
                table, sourceRows, warehouseRows, missing, extra, different,
                matches() ? "OK" : "MISMATCH" + (example == null ? "" : " (e.g. " + example + ")"));
    }
}
