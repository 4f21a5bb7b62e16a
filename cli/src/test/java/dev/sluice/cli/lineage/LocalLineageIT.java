package dev.sluice.cli.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.cli.SluiceCommand;
import dev.sluice.embedded.PortCheck;
import dev.sluice.embedded.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice local} with one pipeline spec sends its OpenLineage events to a local HTTP endpoint; together they
 * form one connected graph, source table -> change topic -> pipeline -> row topic -> warehouse table, by exact
 * namespace and name, every run START then RUNNING then COMPLETE, the masked column marked in the column lineage and
 * the completeness frontier in the sinks' progress.
 */
class LocalLineageIT {

    @TempDir
    static Path dir;

    private static PostgresServer postgres;
    private static LineageReceiver receiver;
    private static int kafkaPort;
    private static int exitCode;

    @BeforeAll
    static void runLocalWithASpec() throws Exception {
        postgres = PostgresServer.startThrowaway();
        postgres.createDatabase("app");
        try (Connection c = postgres.connect("app"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id int PRIMARY KEY, name text, email text, phone text)");
            s.execute("INSERT INTO customers SELECT i, 'name ' || i, 'c' || i || '@example.com', '+41 79 000 00 ' || i"
                    + " FROM generate_series(1, 20) i");
        }
        receiver = new LineageReceiver();
        Path spec = Files.writeString(dir.resolve("customers.yaml"), """
                pipeline: customers-masked
                source:
                  topics: [sluice.public.customers]
                steps:
                  - unwrap: {}
                  - mask:
                      fields: {email: redact, phone: {keep-last: 4}}
                output:
                  topic: masked.public.customers_masked
                """);
        Path config = Files.writeString(dir.resolve("sluice.yaml"), """
                lineage:
                  url: %s
                  namespace: sluice-it
                  running.interval.ms: 1000
                """.formatted(receiver.url()));
        kafkaPort = PortCheck.freePort();
        exitCode = SluiceCommand.commandLine().execute("local", "--home", dir.resolve("home").toString(),
                "--source-url", "postgresql://postgres@localhost:" + postgres.port() + "/app",
                "--tables", "public.customers", "--spec", spec.toString(), "--config", config.toString(),
                "--kafka-port", String.valueOf(kafkaPort), "--registry-port", "0", "--http-port", "0",
                "--exit-after", "15s");
    }

    @AfterAll
    static void stop() {
        receiver.close();
        postgres.close();
    }

    private String kafka() {
        return "kafka://localhost:" + kafkaPort;
    }

    private String duckDb() {
        return "duckdb://" + dir.resolve("home").resolve("warehouse.duckdb").toAbsolutePath().normalize();
    }

    @Test
    void sourceTableChangeTopicPipelineRowTopicAndWarehouseTableFormOneConnectedGraph() {
        assertThat(exitCode).isZero();
        LineageEvents events = receiver.events();
        var edges = events.edges();
        String source = "postgres://localhost:" + postgres.port() + "/app.public.customers";
        String changeTopic = kafka() + "/sluice.public.customers";
        String rowTopic = kafka() + "/replica.public.customers";
        String table = duckDb() + "/main.customers";
        String ingest = "job:sluice-it/ingest.sluice";
        String replication = "job:sluice-it/transform.replica";
        String sink = "job:sluice-it/connect.sluice-warehouse";

        assertThat(edges.get(source)).contains(ingest);
        assertThat(edges.get(ingest)).contains(changeTopic);
        assertThat(edges.get(changeTopic)).contains(replication, "job:sluice-it/transform.customers-masked");
        assertThat(edges.get(replication)).contains(rowTopic, kafka() + "/replica.dlq");
        assertThat(edges.get(rowTopic)).contains(sink);
        assertThat(edges.get(sink)).contains(table, kafka() + "/sluice-sink.dlq");
        // the spec's path beside it, with its side topics as outputs
        assertThat(edges.get("job:sluice-it/transform.customers-masked")).contains(
                kafka() + "/masked.public.customers_masked", kafka() + "/customers-masked.dlq",
                kafka() + "/customers-masked.quarantine", kafka() + "/customers-masked.late");
        assertThat(edges.get(kafka() + "/masked.public.customers_masked")).contains("job:sluice-it/connect.sluice-warehouse-specs");
        assertThat(edges.get("job:sluice-it/connect.sluice-warehouse-specs")).contains(duckDb() + "/main.customers_masked");

        List<Set<String>> components = events.components();
        assertThat(components).as("one connected graph: %s", components).hasSize(1);
    }

    @Test
    void everyRunStartsRunsAndCompletesOnTheCleanStop() {
        LineageEvents events = receiver.events();
        for (String job : List.of("ingest.sluice", "transform.replica", "connect.sluice-warehouse",
                "transform.customers-masked", "connect.sluice-warehouse-specs")) {
            assertThat(events.runIds(job)).as(job).hasSize(1);
            List<String> types = events.types(job);
            assertThat(types.get(0)).as(job).isEqualTo("START");
            assertThat(types).as(job).contains("RUNNING").doesNotContain("FAIL").containsOnlyOnce("COMPLETE");
            assertThat(types.get(types.size() - 1)).as(job).isEqualTo("COMPLETE");
            assertThat(events.ofJob(job)).allSatisfy(e -> assertThat(e.path("job").path("namespace").asText())
                    .isEqualTo("sluice-it"));
        }
    }

    @Test
    void datasetsCarryTheirSchemaAndDataSource() {
        LineageEvents events = receiver.events();
        JsonNode source = events.dataset("ingest.sluice", "inputs", "postgres://localhost:" + postgres.port(),
                "app.public.customers");
        assertThat(fieldNames(source)).containsExactly("id", "name", "email", "phone");
        assertThat(source.path("facets").path("dataSource").path("uri").asText())
                .isEqualTo("postgres://localhost:" + postgres.port());
        JsonNode rows = events.dataset("transform.replica", "outputs", kafka(), "replica.public.customers");
        assertThat(fieldNames(rows)).contains("id", "name", "email", "phone", "__version", "__deleted");
        JsonNode table = events.dataset("connect.sluice-warehouse", "outputs", duckDb(), "main.customers");
        assertThat(fieldNames(table)).contains("id", "email");
        assertThat(table.path("facets").path("dataSource").path("name").asText()).isEqualTo(duckDb());
    }

    @Test
    void theSpecsOutputMarksTheMaskedColumns() {
        JsonNode output = receiver.events().dataset("transform.customers-masked", "outputs", kafka(),
                "masked.public.customers_masked");
        JsonNode fields = output.path("facets").path("columnLineage").path("fields");
        JsonNode email = fields.path("email").path("inputFields").get(0);
        assertThat(email.path("namespace").asText()).isEqualTo(kafka());
        assertThat(email.path("name").asText()).isEqualTo("sluice.public.customers");
        assertThat(email.path("field").asText()).isEqualTo("email");
        assertThat(email.path("transformations").get(0).path("masking").asBoolean()).isTrue();
        assertThat(fields.path("phone").path("inputFields").get(0).path("transformations").get(0).path("masking")
                .asBoolean()).isTrue();
        assertThat(fields.path("name").path("inputFields").get(0).path("transformations").get(0).path("masking")
                .asBoolean()).isFalse();
    }

    @Test
    void theSinksReportTheCompletenessFrontier() {
        LineageEvents events = receiver.events();
        JsonNode complete = events.ofJob("connect.sluice-warehouse").stream()
                .filter(e -> e.path("eventType").asText().equals("COMPLETE")).findFirst().orElseThrow();
        JsonNode customers = complete.path("run").path("facets").path(Facets.PROGRESS).path("frontier").path("customers");
        assertThat(customers.path("position").asLong()).as("drained before the clean stop").isPositive();
        assertThat(customers.path("lsn").asText()).matches("[0-9A-F]+/[0-9A-F]+");
    }

    private static List<String> fieldNames(JsonNode dataset) {
        return StreamSupport.stream(dataset.path("facets").path("schema").path("fields").spliterator(), false)
                .map(f -> f.path("name").asText()).toList();
    }
}
