package dev.sluice.cli.bench.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The figures of one {@code sluice bench --sink} run: the load, one {@link SinkRun} per connector, Sluice's rows/s over
 * the compared sink's into PostgreSQL, and the machine's load average at the start and the end.
 */
public record SinkBenchReport(long records, long keys, int partitions, int tasks, double produceSeconds, List<SinkRun> runs,
                              double loadAverageAtStart, double loadAverageAtEnd) {

    static final String SLUICE_POSTGRES = "sluice_postgres";
    static final String SLUICE_DUCKDB = "sluice_duckdb";
    static final String DEBEZIUM_POSTGRES = "debezium_postgres";

    public SinkBenchReport {
        runs = List.copyOf(runs);
    }

    /** Sluice over Debezium into the same PostgreSQL: {rows/s, rows per CPU-second}; empty without {@code --compare}. */
    Optional<double[]> ratio() {
        Optional<SinkRun> ours = run(SLUICE_POSTGRES);
        Optional<SinkRun> theirs = run(DEBEZIUM_POSTGRES);
        if (ours.isEmpty() || theirs.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new double[] {ours.get().rowsPerSecond() / theirs.get().rowsPerSecond(),
                ours.get().rowsPerCpuSecond() / theirs.get().rowsPerCpuSecond()});
    }

    /** Sluice's own warehouses that do not hold the expected state: a failed bench, whatever its speed. */
    public List<String> sluiceWarehousesNotAsExpected() {
        List<String> wrong = new ArrayList<>();
        for (SinkRun r : runs) {
            if (r.name().startsWith("sluice_") && !r.state().equalsExpected()) {
                wrong.add(r.name());
            }
        }
        return wrong;
    }

    public String text() {
        int cores = Runtime.getRuntime().availableProcessors();
        List<String> lines = new ArrayList<>();
        lines.add(String.format("sink alone: %,d changes of %,d keys (inserts, updates, soft deletes, redeliveries, each key's"
                + " versions shuffled) on %d partitions, %d task(s); produced in %.1f s", records, keys, partitions, tasks,
                produceSeconds));
        runs.forEach(r -> lines.add(r.text()));
        ratio().ifPresent(r -> lines.add(String.format("  %-18s Sluice / Debezium's JDBC sink into PostgreSQL: %.2f in rows/s, %.2f in"
                + " rows per CPU-second", "ratio", r[0], r[1])));
        lines.add(String.format("  %-18s %.2f at the start, %.2f at the end on %d cores (1 minute; a busy machine lowers every"
                + " figure)%s", "load average", loadAverageAtStart, loadAverageAtEnd, cores,
                Math.max(loadAverageAtStart, loadAverageAtEnd) > cores ? ": figures under load" : ""));
        return String.join("\n", lines);
    }

    /** As {@code sluice bench}'s JSON: snake_case, {@code sinks.<name>.rows_per_s}, {@code ratio_postgres}, {@code load_average}. */
    public void writeJson(Path file) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("stage", "sink_alone");
        json.put("records", records);
        json.put("keys", keys);
        json.put("partitions", partitions);
        json.put("tasks", tasks);
        json.put("produce_seconds", produceSeconds);
        Map<String, Object> sinks = new LinkedHashMap<>();
        runs.forEach(r -> sinks.put(r.name(), r.json()));
        json.put("sinks", sinks);
        json.put("ratio_postgres", ratio().map(r -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("rows_per_s", SinkRun.orNull(r[0]));
            m.put("rows_per_cpu_second", SinkRun.orNull(r[1]));
            return m;
        }).orElse(null));
        Map<String, Object> load = new LinkedHashMap<>();
        load.put("start", SinkRun.orNull(loadAverageAtStart));
        load.put("end", SinkRun.orNull(loadAverageAtEnd));
        json.put("load_average", load);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }

    private Optional<SinkRun> run(String name) {
        return runs.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
