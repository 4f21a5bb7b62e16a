package dev.sluice.cli.bench.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SinkBenchReportTest {

    @TempDir
    Path dir;

    private static final WarehouseState EXACT = new WarehouseState(250, 0, 0, 0);

    private static SinkRun run(String name, String warehouse, double seconds, double pgCpu, WarehouseState state) {
        return new SinkRun(name, "some.Connector", warehouse, 1000, seconds, 2.0, 1.0, pgCpu, state);
    }

    private static SinkBenchReport report(List<SinkRun> runs) {
        return new SinkBenchReport(1000, 250, 2, 1, 0.5, runs, 1.25, 2.5);
    }

    @Test
    void theRatioIsSluiceOverDebeziumIntoPostgresInRowsPerSecondAndPerCpuSecond() throws Exception {
        SinkBenchReport report = report(List.of(run("sluice_postgres", "postgres", 1.0, 2.0, EXACT),
                run("sluice_duckdb", "duckdb", 0.5, Double.NaN, EXACT),
                run("debezium_postgres", "postgres", 4.0, 6.0, new WarehouseState(250, 60, 30, 0))));

        assertThat(report.text())
                .contains("sink alone: 1,000 changes of 250 keys")
                .contains("sluice_postgres    1,000 records in 1.0 s: 1,000 rows/s | CPU s: JVM 2.0 (task threads 1.0), PostgreSQL 2.0,"
                        + " 250 rows per CPU-second")
                .contains("sluice_duckdb      1,000 records in 0.5 s: 2,000 rows/s | CPU s: JVM 2.0 (task threads 1.0), 500 rows")
                .contains("250 rows, differing from the expected state: 30 keys at an older version than the newest, 0 keys missing")
                .contains("ratio              Sluice / Debezium's JDBC sink into PostgreSQL: 4.00 in rows/s, 2.00 in rows per CPU-second")
                .contains("load average       1.25 at the start, 2.50 at the end");
        assertThat(report.sluiceWarehousesNotAsExpected()).isEmpty();

        Path file = dir.resolve("bench.json");
        report.writeJson(file);
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertThat(json.get("stage").asText()).isEqualTo("sink_alone");
        assertThat(json.at("/sinks/sluice_postgres/rows_per_s").asDouble()).isEqualTo(1000.0);
        assertThat(json.at("/sinks/sluice_duckdb/equals_expected").asBoolean()).isTrue();
        assertThat(json.at("/sinks/sluice_duckdb/cpu_seconds/postgres").isNull()).isTrue(); // NaN is not JSON
        assertThat(json.at("/sinks/debezium_postgres/keys_at_older_version").asLong()).isEqualTo(30);
        assertThat(json.at("/ratio_postgres/rows_per_s").asDouble()).isEqualTo(4.0);
        assertThat(json.at("/load_average/end").asDouble()).isEqualTo(2.5);
    }

    @Test
    void withoutTheComparedSinkThereIsNoRatio() throws Exception {
        SinkBenchReport report = report(List.of(run("sluice_postgres", "postgres", 1.0, 2.0, EXACT)));
        assertThat(report.text()).doesNotContain("ratio");
        Path file = dir.resolve("bench.json");
        report.writeJson(file);
        assertThat(new ObjectMapper().readTree(file.toFile()).get("ratio_postgres").isNull()).isTrue();
    }

    @Test
    void aSluiceWarehouseNotAsExpectedIsNamed() {
        SinkBenchReport report = report(List.of(run("sluice_postgres", "postgres", 1.0, 2.0, EXACT),
                run("sluice_duckdb", "duckdb", 0.5, Double.NaN, new WarehouseState(249, 1, 0, 1))));
        assertThat(report.sluiceWarehousesNotAsExpected()).containsExactly("sluice_duckdb");
    }
}
