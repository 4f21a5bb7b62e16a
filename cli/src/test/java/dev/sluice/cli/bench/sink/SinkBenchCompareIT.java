package dev.sluice.cli.bench.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.SluiceCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice bench --compare} end to end on a small load: one broker, one PostgreSQL and one Connect worker (the
 * command's own), our sink into PostgreSQL and DuckDB, and Debezium's JDBC sink from the plugin the build unpacked.
 * Asserts what is true at any speed: both our warehouses hold the expected state, Debezium's sink wrote rows, and the
 * figures are printed and in the JSON file. No timed assertion.
 */
class SinkBenchCompareIT {

    @TempDir
    Path dir;

    @Test
    void comparesOurSinkWithDebeziumsJdbcSinkOnTheSameRecords() throws Exception {
        Path json = dir.resolve("bench.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SluiceCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int exit = cli.execute("bench", "--compare", "--records", "3000", "--partitions", "2", "--json", json.toString());

        System.out.println(out); // the report, in the failsafe output file

        assertThat(exit).as("exit code; stderr: %s; stdout: %s", err, out).isZero();
        assertThat(out.toString())
                .containsPattern("sluice_postgres +3,000 records in [0-9.]+ s: [0-9,]+ rows/s")
                .containsPattern("sluice_duckdb +3,000 records in [0-9.]+ s: [0-9,]+ rows/s")
                .containsPattern("debezium_postgres +3,000 records in [0-9.]+ s: [0-9,]+ rows/s")
                .contains("equal to the expected state")
                .containsPattern("Sluice / Debezium's JDBC sink into PostgreSQL: [0-9.]+ in rows/s")
                .contains("load average");

        JsonNode figures = new ObjectMapper().readTree(json.toFile());
        assertThat(figures.get("records").asLong()).isEqualTo(3000);
        long keys = figures.get("keys").asLong();
        for (String ours : new String[] {"sluice_postgres", "sluice_duckdb"}) {
            JsonNode sink = figures.at("/sinks/" + ours);
            assertThat(sink.get("equals_expected").asBoolean()).as(ours).isTrue();
            assertThat(sink.get("rows").asLong()).as(ours).isEqualTo(keys);
            assertThat(sink.get("keys_at_older_version").asLong()).as(ours).isZero();
            assertThat(sink.get("rows_per_s").asDouble()).as(ours).isPositive();
        }
        JsonNode debezium = figures.at("/sinks/debezium_postgres");
        assertThat(debezium.get("connector").asText()).isEqualTo("io.debezium.connector.jdbc.JdbcSinkConnector");
        assertThat(debezium.get("rows").asLong()).isPositive();
        assertThat(debezium.get("rows_per_s").asDouble()).isPositive();
        assertThat(debezium.get("keys_at_older_version").isIntegralNumber()).isTrue();
        assertThat(figures.at("/ratio_postgres/rows_per_s").asDouble()).isPositive();
        assertThat(figures.at("/load_average/start").isNumber()).isTrue();
    }
}
