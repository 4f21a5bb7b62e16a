package dev.sluice.cli.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The shape of the events a service sends, and the life of its runs: START, RUNNING, then COMPLETE or FAIL. */
class ServiceLineageTest {

    private static final Instant NOW = Instant.parse("2026-12-04T06:00:00Z");
    private static final Schema ROW = SchemaBuilder.record("Value").fields().requiredInt("id").optionalString("email")
            .endRecord();
    private static final Schema ENVELOPE = SchemaBuilder.record("Envelope").fields()
            .name("before").type().optional().type(ROW)
            .name("after").type().optional().type(ROW)
            .requiredString("op").endRecord();

    /** A catalog of fixed topics and schemas (no Kafka or registry: this is about the events' shape). */
    private static final class FixedCatalog extends TopicCatalog {
        FixedCatalog() {
            super("localhost:9092", null, null);
        }

        @Override
        public Set<String> topics() {
            return Set.of("sluice.public.customers", "replica.public.customers");
        }

        @Override
        public Optional<Schema> valueSchema(String topic) {
            return topic.startsWith("sluice.") ? Optional.of(ENVELOPE) : Optional.empty();
        }
    }

    /** A job whose progress is known, like a sink's. */
    private record FixedJob(String name) implements JobLineage {
        @Override
        public String type() {
            return "SINK";
        }

        @Override
        public List<Dataset> inputs(TopicCatalog catalog) {
            return List.of(catalog.dataset("sluice.public.customers"));
        }

        @Override
        public List<Dataset> outputs(TopicCatalog catalog) {
            return List.of(catalog.dataset("replica.public.customers"));
        }

        @Override
        public Optional<ObjectNode> progress() {
            return Optional.of(Facets.progress(Map.of("customers", 0x16B3748L, "orders", -1L)));
        }
    }

    private final List<JsonNode> sent = Collections.synchronizedList(new ArrayList<>());

    private ServiceLineage lineage(Duration interval, JobLineage... jobs) {
        LineageSettings settings = new LineageSettings(null, Path.of("unused"), "sluice-test", interval, Duration.ofSeconds(1));
        ServiceLineage l = new ServiceLineage(settings, new FixedCatalog(), List.of(jobs), sent::add, () -> { },
                Clock.fixed(NOW, ZoneOffset.UTC));
        l.begin();
        return l;
    }

    @Test
    void startCarriesTheSpecFieldsJobAndDatasetsWithFacets() {
        ServiceLineage l = lineage(Duration.ofHours(1), new FixedJob("connect.sluice-warehouse"));

        assertThat(sent).hasSize(1);
        JsonNode start = sent.get(0);
        assertThat(start.path("eventType").asText()).isEqualTo("START");
        assertThat(start.path("eventTime").asText()).isEqualTo("2026-12-04T06:00:00Z");
        assertThat(start.path("schemaURL").asText()).isEqualTo("https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent");
        assertThat(start.path("producer").asText()).startsWith("urn:sluice:");
        UUID runId = UUID.fromString(start.path("run").path("runId").asText());
        assertThat(runId.version()).isEqualTo(7);
        assertThat(start.path("job").path("namespace").asText()).isEqualTo("sluice-test");
        assertThat(start.path("job").path("name").asText()).isEqualTo("connect.sluice-warehouse");
        assertThat(start.path("job").path("facets").path("jobType").path("processingType").asText()).isEqualTo("STREAMING");
        JsonNode input = start.path("inputs").get(0);
        assertThat(input.path("namespace").asText()).isEqualTo("kafka://localhost:9092");
        assertThat(input.path("name").asText()).isEqualTo("sluice.public.customers");
        assertThat(input.path("facets").path("dataSource").path("uri").asText()).isEqualTo("kafka://localhost:9092");
        assertThat(input.path("facets").path("schema").path("fields")).extracting(f -> f.path("name").asText())
                .containsExactly("id", "email");
        assertThat(input.path("facets").path("schema").path("_producer").asText()).startsWith("urn:sluice:");
        assertThat(start.path("outputs").get(0).path("facets").has("schema")).as("no schema registered").isFalse();
        assertThat(start.path("run").path("facets").has(Facets.PROGRESS)).as("progress only while running").isFalse();
        l.close();
    }

    @Test
    void runningCarriesTheFrontierAndCompleteEndsTheRun() throws Exception {
        ServiceLineage l = lineage(Duration.ofMillis(1000), new FixedJob("connect.sluice-warehouse"));
        await().atMost(Duration.ofSeconds(20)).until(() -> sent.size() >= 2);
        l.close();
        l.close();
        l.fail("too late", null);

        assertThat(sent).hasSizeGreaterThanOrEqualTo(3);
        List<String> types = sent.stream().map(e -> e.path("eventType").asText()).toList();
        assertThat(types.get(0)).isEqualTo("START");
        assertThat(types).contains("RUNNING");
        assertThat(types.get(types.size() - 1)).isEqualTo("COMPLETE");
        assertThat(types).doesNotContain("FAIL").containsOnlyOnce("COMPLETE");
        JsonNode running = sent.stream().filter(e -> e.path("eventType").asText().equals("RUNNING")).findFirst().orElseThrow();
        JsonNode frontier = running.path("run").path("facets").path(Facets.PROGRESS).path("frontier");
        assertThat(frontier.path("customers").path("lsn").asText()).isEqualTo("0/16B3748");
        assertThat(frontier.path("customers").path("position").asLong()).isEqualTo(0x16B3748L);
        assertThat(frontier.path("orders").path("lsn").isNull()).isTrue();
        assertThat(sent).extracting(e -> e.path("run").path("runId").asText()).containsOnly(
                sent.get(0).path("run").path("runId").asText());
    }

    @Test
    void failEndsEveryRunWithTheErrorMessageAndNothingFollows() {
        ServiceLineage l = lineage(Duration.ofHours(1), new FixedJob("ingest.sluice"), new FixedJob("transform.replica"));
        l.fail("sluice local stops: stage connect failed: task 0 FAILED.", new IllegalStateException("boom"));
        l.close();

        assertThat(sent).extracting(e -> e.path("eventType").asText()).containsExactly("START", "START", "FAIL", "FAIL");
        JsonNode error = sent.get(2).path("run").path("facets").path("errorMessage");
        assertThat(error.path("message").asText()).isEqualTo("sluice local stops: stage connect failed: task 0 FAILED.");
        assertThat(error.path("programmingLanguage").asText()).isEqualTo("Java");
        assertThat(error.path("stackTrace").asText()).contains("IllegalStateException: boom");
        assertThat(error.path("_schemaURL").asText()).contains("ErrorMessageRunFacet");
        assertThat(sent.get(2).path("run").path("runId")).isEqualTo(sent.get(0).path("run").path("runId"));
        assertThat(sent.get(3).path("run").path("runId")).isEqualTo(sent.get(1).path("run").path("runId"));
    }

    @Test
    void aCollectorThatIsDownStopsNothing() throws IOException {
        LineageTransport http = new HttpTransport(java.net.URI.create("http://127.0.0.1:" + freePort() + "/api/v1/lineage"),
                Duration.ofMillis(500));
        http.send(RunEvent.of(RunEvent.Type.START, NOW, UUID.randomUUID(), "n", "j", null, null, List.of(), List.of()));
        // no exception: the event is logged and dropped
    }

    @Test
    void theFileTransportWritesOneJsonPerLine(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path file = dir.resolve("events/lineage.jsonl");
        FileTransport t = new FileTransport(file);
        t.send(RunEvent.of(RunEvent.Type.START, NOW, UUID.randomUUID(), "n", "j", null, null, List.of(), List.of()));
        t.send(RunEvent.of(RunEvent.Type.COMPLETE, NOW, UUID.randomUUID(), "n", "j", null, null, List.of(), List.of()));
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(Facets.JSON.readTree(lines.get(1)).path("eventType").asText()).isEqualTo("COMPLETE");
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
