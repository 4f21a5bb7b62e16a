package dev.sluice.cli.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.cli.PipelineInfrastructure;
import dev.sluice.cli.chaos.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The runs of services in their own processes, with the file transport: a SIGKILLed {@code sluice ingest} sends
 * nothing more for its run, and its restart is a new START of the same job; a stage that fails in
 * {@code sluice transform} ends its runs with FAIL and the stop sentence in the errorMessage facet.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceRunsLineageIT {

    private static final String INGEST_JOB = "ingest.sluice";

    @TempDir
    static Path dir;

    private static PipelineInfrastructure infra;
    private static final List<ServiceProcess> running = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        infra = PipelineInfrastructure.start("app");
        try (Connection c = infra.postgres.connect("app"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE customers (id int PRIMARY KEY, name text)");
            s.execute("INSERT INTO customers VALUES (1, 'one'), (2, 'two')");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServiceProcess p : running) {
            p.close();
        }
        infra.close();
    }

    private static Path config(String name) throws IOException {
        return Files.writeString(dir.resolve(name + ".yaml"), """
                lineage:
                  file: %s
                  running.interval.ms: 1000
                """.formatted(dir.resolve(name + ".jsonl")));
    }

    private static ServiceProcess service(String name, String command, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(command, "--bootstrap-servers", infra.kafka.bootstrapServers(),
                "--registry-url", infra.registry.url(), "--http-port", "0", "--config", config(name).toString()));
        all.addAll(List.of(args));
        ServiceProcess p = new ServiceProcess(name, all, dir.resolve(name + ".log"));
        running.add(p);
        p.start();
        return p;
    }

    /** {@code sluice ingest} writing its events to {@code <name>.jsonl} (a restart under the same name: the same file). */
    private static ServiceProcess ingest(String name) throws IOException {
        return service(name, "ingest", "--source-url",
                "postgresql://" + infra.postgres.user() + "@localhost:" + infra.postgres.port() + "/app",
                "--tables", "public.customers", "--heartbeat-interval", "1s");
    }

    private static LineageEvents events(String name) throws IOException {
        return LineageEvents.readFile(dir.resolve(name + ".jsonl"));
    }

    @Test
    @Order(1)
    void aKilledServicesRunIsFollowedByANewStartOfTheSameJob() throws Exception {
        ServiceProcess first = ingest("ingest");
        await().atMost(Duration.ofSeconds(120)).until(() -> events("ingest").types(INGEST_JOB).contains("RUNNING"));
        first.kill();
        String killedRun = events("ingest").runIds(INGEST_JOB).get(0);
        int sentBeforeKill = events("ingest").all().size();

        ServiceProcess second = ingest("ingest");
        await().atMost(Duration.ofSeconds(120)).until(() -> events("ingest").runIds(INGEST_JOB).size() == 2);
        second.close(); // SIGTERM: a clean stop

        LineageEvents events = events("ingest");
        List<String> runs = events.runIds(INGEST_JOB);
        assertThat(runs).hasSize(2).doesNotHaveDuplicates();
        assertThat(events.typesOfRun(killedRun)).startsWith("START").doesNotContain("COMPLETE", "FAIL");
        JsonNode firstOfNewRun = events.all().get(sentBeforeKill);
        assertThat(firstOfNewRun.path("run").path("runId").asText()).isEqualTo(runs.get(1));
        assertThat(firstOfNewRun.path("eventType").asText()).as("the killed run is followed by a new START").isEqualTo("START");
        List<String> newRun = events.typesOfRun(runs.get(1));
        assertThat(newRun.get(newRun.size() - 1)).as("the clean stop completes the new run").isEqualTo("COMPLETE");
        JsonNode start = events.ofJob(INGEST_JOB).get(0);
        assertThat(start.path("inputs").get(0).path("name").asText()).isEqualTo("app.public.customers");
        assertThat(start.path("outputs").get(0).path("name").asText()).isEqualTo("sluice.public.customers");
    }

    @Test
    @Order(2)
    void aFailedStageEndsItsRunsWithFail() throws Exception {
        ingest("ingest-again");
        Path spec = Files.writeString(dir.resolve("poison.yaml"), """
                pipeline: poison
                source:
                  topics: [sluice.public.customers]
                steps:
                  - unwrap: {}
                  - custom: {name: die-on-poison, class: dev.sluice.cli.http.DyingStep, config: {field: name, value: poison}}
                output:
                  topic: poison.public.customers
                """);
        ServiceProcess transform = service("transform", "transform", "--no-replication", "--spec", spec.toString(),
                "--state-dir", dir.resolve("streams").toString());
        await().atMost(Duration.ofSeconds(120)).until(() -> events("transform").types("transform.poison").contains("RUNNING"));
        try (Connection c = infra.postgres.connect("app"); Statement s = c.createStatement()) {
            s.execute("UPDATE customers SET name = 'poison' WHERE id = 1");
        }
        assertThat(transform.awaitExit(Duration.ofSeconds(120))).as(transform.output()).isPresent();

        List<JsonNode> run = events("transform").ofJob("transform.poison");
        JsonNode last = run.get(run.size() - 1);
        assertThat(last.path("eventType").asText()).isEqualTo("FAIL");
        assertThat(run).filteredOn(e -> e.path("eventType").asText().equals("COMPLETE")).isEmpty();
        assertThat(last.path("run").path("facets").path("errorMessage").path("message").asText())
                .startsWith("sluice transform stops: stage sluice-poison failed:");
        assertThat(last.path("outputs")).extracting(d -> d.path("name").asText())
                .contains("poison.public.customers", "poison.dlq", "poison.quarantine", "poison.late");
    }
}
