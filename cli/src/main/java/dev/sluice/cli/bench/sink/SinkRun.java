package dev.sluice.cli.bench.sink;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One sink connector's run over the whole topic: wall-clock seconds from the connector's creation until it had applied
 * every record, the CPU seconds spent meanwhile (this JVM, its Connect task threads, the PostgreSQL server; NaN where
 * not measured) and the state it left.
 *
 * @param name      the connector's name and its key in the JSON file
 * @param warehouse postgres or duckdb
 */
record SinkRun(String name, String connector, String warehouse, long records, double seconds, double jvmCpuSeconds,
               double taskCpuSeconds, double postgresCpuSeconds, WarehouseState state) {

    double rowsPerSecond() {
        return records / seconds;
    }

    /** Records per CPU-second of this JVM and, into PostgreSQL, of the database server too. */
    double rowsPerCpuSecond() {
        return records / (jvmCpuSeconds + (Double.isNaN(postgresCpuSeconds) ? 0 : postgresCpuSeconds));
    }

    String text() {
        String pgCpu = Double.isNaN(postgresCpuSeconds) ? "" : String.format(", PostgreSQL %.1f", postgresCpuSeconds);
        return String.format("  %-18s %,d records in %.1f s: %,.0f rows/s | CPU s: JVM %.1f (task threads %.1f)%s, %,.0f rows per"
                        + " CPU-second%n  %-18s %s", name, records, seconds, rowsPerSecond(), jvmCpuSeconds, taskCpuSeconds, pgCpu,
                rowsPerCpuSecond(), "", stateText());
    }

    private String stateText() {
        String rows = String.format("%,d rows", state.rows());
        if (state.equalsExpected()) {
            return rows + ", equal to the expected state";
        }
        return String.format("%s, differing from the expected state: %,d keys at an older version than the newest, %,d keys"
                + " missing (%,d rows missing, extra or different)", rows, state.keysAtOlderVersion(), state.keysMissing(),
                state.rowsNotAsExpected());
    }

    Map<String, Object> json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("connector", connector);
        json.put("warehouse", warehouse);
        json.put("records", records);
        json.put("seconds", seconds);
        json.put("rows_per_s", rowsPerSecond());
        Map<String, Object> cpu = new LinkedHashMap<>();
        cpu.put("jvm", orNull(jvmCpuSeconds));
        cpu.put("task_threads", orNull(taskCpuSeconds));
        cpu.put("postgres", orNull(postgresCpuSeconds));
        json.put("cpu_seconds", cpu);
        json.put("rows_per_cpu_second", orNull(rowsPerCpuSecond()));
        json.put("rows", state.rows());
        json.put("equals_expected", state.equalsExpected());
        json.put("rows_not_as_expected", state.rowsNotAsExpected());
        json.put("keys_at_older_version", state.keysAtOlderVersion());
        json.put("keys_missing", state.keysMissing());
        return json;
    }

    /** JSON has no NaN. */
    static Double orNull(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? null : value;
    }
}
