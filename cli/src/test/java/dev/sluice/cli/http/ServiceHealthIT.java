package dev.sluice.cli.http;

import dev.sluice.cli.chaos.ServiceProcess;
import dev.sluice.cli.demo.DemoSchema;
import dev.sluice.cli.demo.LoadGenerator;
import dev.sluice.embedded.LocalKafkaBroker;
import dev.sluice.embedded.PortCheck;
import dev.sluice.embedded.PostgresServer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

/**
 * The four services as processes against one broker and one PostgreSQL (source and warehouse): what they serve at
 * {@code /metrics} passes {@code promtool check metrics}, ingest is ready only once its snapshot started, and each
 * stage, broken for real, makes its process exit non-zero within 30 s with one sentence naming it.
 * Ordered: the breaks come last, each after the ones whose pipeline it needs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServiceHealthIT {

    private static final Duration EXIT_WITHIN = Duration.ofSeconds(30);
    private static final Pattern SERVES = Pattern.compile("serves (http://localhost:\\d+)/metrics");
    private static final Pattern CONNECT_REST = Pattern.compile("Connect REST (http://[^ )]+)");
    private static final Duration HEARTBEAT = Duration.ofSeconds(2);
    private static final Pattern REGISTRY_API = Pattern.compile("Schema Registry API at (http://localhost:\\d+)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Map<String, String> urls = new LinkedHashMap<>();
    private Path dir;
    private LocalKafkaBroker broker;
    private PostgresServer postgres;
    private LoadGenerator load;
    private String registryUrl;

    @BeforeAll
    void startInfrastructure() throws Exception {
        dir = Files.createTempDirectory("service-health-it");
        broker = LocalKafkaBroker.start(dir.resolve("kafka"), PortCheck.freePort());
        postgres = PostgresServer.startThrowaway();
        postgres.createDatabase("shop");
        postgres.createDatabase("warehouse");
        try (Connection c = postgres.connect("shop")) {
            DemoSchema.create(c);
        }
        ServiceProcess registry = start("registry", "registry", "--bootstrap-servers", broker.bootstrapServers(),
                "--port", "0");
        registryUrl = await().atMost(Duration.ofSeconds(90)).until(() -> find(REGISTRY_API, registry.output()), u -> u != null);
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (load != null) {
            load.close();
        }
        for (ServiceProcess service : services.values()) {
            service.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    @Order(1)
    void ingestIsReadyOnlyOnceItsSnapshotStarted() throws Exception {
        // Creating a replication slot waits for every transaction that holds an id: while this one is open the
        // slot, and so the snapshot, cannot start. The service is live then, but not ready.
        try (Connection open = postgres.connect("shop")) {
            open.setAutoCommit(false);
            try (Statement s = open.createStatement()) {
                s.execute("INSERT INTO public.customers (id, email, name, region) VALUES (990000001, 'held@example.com', 'Held', 'eu')");
            }
            startService("ingest", "--source-url", "postgresql://" + postgres.user() + "@localhost:" + postgres.port()
                    + "/shop", "--tables", String.join(",", DemoSchema.TABLES), "--heartbeat-interval", HEARTBEAT.toSeconds() + "s");
            await().atMost(Duration.ofSeconds(60)).until(() -> status("ingest", "/health/live") == 200);
            for (int i = 0; i < 5; i++) {
                assertThat(status("ingest", "/health/ready")).as("ready while the slot waits").isEqualTo(503);
                assertThat(get("ingest", "/health/ready").body()).contains("\"stage\" : \"ingest\"", "STARTING");
                TimeUnit.SECONDS.sleep(1); // a held state, sampled over a few seconds; nothing to wait for
            }
            open.commit();
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> status("ingest", "/health/ready") == 200);
        assertThat(get("ingest", "/health/ready").body()).containsAnyOf("LOADING", "SNAPSHOTTING", "STREAMING");
    }

    @Test
    @Order(2)
    void everyServiceServesMetricsThatPromtoolAccepts() throws Exception {
        startService("transform", "--state-dir", dir.resolve("streams").toString());
        startService("connect", "--warehouse", postgres.jdbcUrl("warehouse"), "--work-dir", dir.resolve("connect").toString(),
                "--schema-change-policy", "fail");
        load = new LoadGenerator(postgres.connect("shop"), 50, 12L);
        load.start();
        for (String name : List.of("registry", "ingest", "transform", "connect")) {
            await().atMost(Duration.ofSeconds(120)).until(() -> status(name, "/health/ready") == 200);
        }
        // rows reach the warehouse: every stage's meters have moved
        await().atMost(Duration.ofSeconds(120)).until(() -> get("connect", "/metrics").body()
                .contains("sluice_sink_rows_upserted_total{"));
        Map<String, List<String>> expected = Map.of(
                "registry", List.of("jvm_memory_used_bytes", "process_uptime_seconds"),
                "ingest", List.of("sluice_ingest_changes_total", "sluice_ingest_streaming_connected",
                        "kafka_producer_record_send_total", "sluice_ingest_slot_lag_bytes"),
                "transform", List.of("sluice_transforms_records_in_total", "kafka_stream_thread_"),
                "connect", List.of("sluice_sink_rows_upserted_total", "sluice_sink_freshness_seconds",
                        "sluice_connect_sink_records_read_total{connector=\"sluice-warehouse\",task=\"0\"}",
                        "sluice_connect_task_running_ratio{", "sluice_table_freshness_seconds{table=\"orders\"}"));
        for (String name : List.of("registry", "ingest", "transform", "connect")) {
            String scrape = get(name, "/metrics").body();
            assertThat(scrape).contains(expected.get(name));
            Path file = dir.resolve(name + ".metrics");
            Files.writeString(file, scrape);
            String problems = promtool(file);
            System.out.println("promtool check metrics, " + name + " (" + scrape.lines().count() + " lines): "
                    + (problems.isBlank() ? "no problems" : problems));
            assertThat(problems).as("promtool check metrics on the scrape of " + name).isBlank();
        }
    }

    @Test
    @Order(3)
    void anIdleTableStaysFreshThroughHeartbeatsAndAStoppedSinkGoesStale() throws Exception {
        load.close(); // the source goes idle; heartbeats alone move the tables' frontiers now
        Duration twiceTheHeartbeat = HEARTBEAT.multipliedBy(2);
        await().atMost(Duration.ofSeconds(60)).until(() -> freshness("customers") < twiceTheHeartbeat.toSeconds());
        for (int i = 0; i < 4; i++) {
            for (String table : List.of("customers", "products", "orders", "order_items")) {
                assertThat(freshness(table)).as("freshness of idle " + table + " (s)").isLessThan(twiceTheHeartbeat.toSeconds());
            }
            TimeUnit.SECONDS.sleep(HEARTBEAT.toSeconds()); // sampled across several heartbeats; nothing to wait for
        }
        // a paused sink applies nothing: its tables go stale, one second per second
        String rest = await().atMost(Duration.ofSeconds(10)).until(() -> find(CONNECT_REST, services.get("connect").output()),
                u -> u != null).replaceAll("/$", "");
        put(rest + "/connectors/sluice-warehouse/pause");
        await().atMost(Duration.ofSeconds(30)).until(() -> freshness("products") > twiceTheHeartbeat.toSeconds());
        double before = freshness("products");
        TimeUnit.SECONDS.sleep(3);
        assertThat(freshness("products") - before).as("growth of a stopped sink's freshness over 3 s").isBetween(2.5, 4.5);
        put(rest + "/connectors/sluice-warehouse/resume");
        await().atMost(Duration.ofSeconds(60)).until(() -> freshness("products") < twiceTheHeartbeat.toSeconds());
    }

    @Test
    @Order(4)
    void aDeadStreamThreadStopsTransform() throws Exception {
        // a user's step with a bug kills its stream thread on one row; no handler takes an Error
        Path spec = Files.writeString(dir.resolve("poison.yaml"), """
                pipeline: poison
                source:
                  topics: [sluice.public.customers]
                steps:
                  - dedupe: {}
                  - unwrap: {}
                  - custom: {name: die-on-poison, class: dev.sluice.cli.http.DyingStep, config: {field: name, value: poison}}
                output:
                  topic: poison.public.customers
                """);
        startNamed("poison", "transform", "--no-replication", "--spec", spec.toString(),
                "--state-dir", dir.resolve("poison-streams").toString());
        await().atMost(Duration.ofSeconds(120)).until(() -> status("poison", "/health/ready") == 200);
        try (Connection c = postgres.connect("shop"); Statement s = c.createStatement()) {
            // the customer the first test inserted (the load generator only seeds an empty table)
            s.execute("UPDATE public.customers SET name = 'poison' WHERE id = 990000001");
        }
        expectExit("poison", EXIT_WITHIN, "sluice transform stops: stage sluice-poison failed:");
        assertThat(services.get("poison").output()).contains("cannot handle name = poison");
        assertThat(status("transform", "/health/live")).as("the replication pipeline beside it").isEqualTo(200);
    }

    @Test
    @Order(5)
    void aFailedSinkTaskStopsConnect() throws Exception {
        // bytes that are not in the registry's wire format go to the dead-letter topic (on by default): not fatal
        String topic = "replica.public.products";
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "not avro".getBytes(StandardCharsets.UTF_8),
                    "not avro either".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
        }
        // a dead-letter topic that cannot take a bad record is: the sink never skips a record that lands nowhere
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            var dlq = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
                    "sluice-sink.dlq");
            admin.incrementalAlterConfigs(Map.of(dlq, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", "64"),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
        }
        org.apache.kafka.connect.data.Schema key = org.apache.kafka.connect.data.SchemaBuilder.struct()
                .field("id", org.apache.kafka.connect.data.Schema.INT64_SCHEMA).build();
        dev.sluice.schemas.connect.AvroConverter keys = new dev.sluice.schemas.connect.AvroConverter();
        keys.configure(Map.of("schema.registry.url", registryUrl), true);
        String tombstones = "replica.public.health_tombstones"; // a row topic of its own: no other key schema to meet
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(tombstones, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", broker.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            // a tombstone, which the sink dead-letters itself (row topics carry deletes as rows)
            producer.send(new ProducerRecord<>(tombstones, keys.fromConnectData(tombstones, key,
                    new org.apache.kafka.connect.data.Struct(key).put("id", 1L)), null)).get(30, TimeUnit.SECONDS);
        }
        expectExit("connect", EXIT_WITHIN, "sluice connect stops: stage connect failed: task 0 of connector sluice-warehouse failed");
    }

    @Test
    @Order(6)
    void aLostReplicationSlotStopsIngest() throws Exception {
        assertThat(status("ingest", "/health/live")).isEqualTo(200);
        try (Connection c = postgres.connect("shop"); Statement s = c.createStatement()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                try (ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                        + " WHERE slot_name = 'sluice' AND active_pid IS NOT NULL")) {
                    rs.next();
                }
                try (ResultSet rs = s.executeQuery("SELECT pg_drop_replication_slot('sluice') FROM pg_replication_slots"
                        + " WHERE slot_name = 'sluice' AND NOT active")) {
                    return rs.next();
                }
            });
        }
        expectExit("ingest", EXIT_WITHIN, "sluice ingest stops: stage ingest failed:");
    }

    @Test
    @Order(7)
    void aDeletedSchemasTopicStopsTheRegistry() throws Exception {
        assertThat(status("registry", "/health/live")).isEqualTo(200);
        try (var admin = org.apache.kafka.clients.admin.Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.deleteTopics(List.of("_schemas")).all().get(30, TimeUnit.SECONDS);
        }
        expectExit("registry", EXIT_WITHIN, "sluice registry stops: stage registry failed: its store, topic _schemas");
    }

    private void expectExit(String name, Duration within, String sentence) throws Exception {
        ServiceProcess service = services.get(name);
        OptionalInt code = service.awaitExit(within);
        if (code.isEmpty()) {
            fail(name + " still runs " + within.toSeconds() + " s after its stage was broken; it printed:\n"
                    + tail(service.output()));
        }
        assertThat(code.getAsInt()).as(name + "'s exit code").isNotZero();
        assertThat(service.output()).as(name + "'s output").contains(sentence);
        String line = service.output().lines().filter(l -> l.contains(" stops: stage ")).findFirst().orElse("");
        System.out.println(name + " exited with " + code.getAsInt() + ": " + line);
    }

    private void startService(String name, String... args) throws IOException {
        startNamed(name, name, args);
    }

    /** A service under its own name (two transforms, say). */
    private void startNamed(String name, String command, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(command, "--bootstrap-servers", broker.bootstrapServers(),
                "--registry-url", registryUrl));
        all.addAll(List.of(args));
        start(name, all.toArray(String[]::new));
    }

    /** The connect service's sluice_table_freshness_seconds for a table. */
    private double freshness(String table) throws Exception {
        Matcher m = Pattern.compile("^sluice_table_freshness_seconds\\{table=\"" + table + "\"} (\\S+)$", Pattern.MULTILINE)
                .matcher(get("connect", "/metrics").body());
        return m.find() ? Double.parseDouble(m.group(1)) : Double.MAX_VALUE;
    }

    private void put(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("PUT " + url).isBetween(200, 299);
    }

    private ServiceProcess start(String name, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--http-port", "0"));
        ServiceProcess service = new ServiceProcess(name, all, dir.resolve(name + ".log"));
        services.put(name, service);
        service.start();
        String url = await().atMost(Duration.ofSeconds(90)).until(() -> {
            if (!service.isAlive()) {
                fail(name + " exited at start: " + tail(service.output()));
            }
            return find(SERVES, service.output());
        }, u -> u != null);
        urls.put(name, url);
        return service;
    }

    private int status(String name, String path) {
        try {
            return get(name, path).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private HttpResponse<String> get(String name, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(urls.get(name) + path)).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    /** promtool's complaints about a scrape; fails the test when promtool is not installed. */
    private static String promtool(Path scrape) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true)
                    .redirectInput(scrape.toFile()).start();
        } catch (IOException e) {
            fail("promtool is not installed; install the Debian package 'prometheus' (apt-get install -y prometheus)"
                    + " to check the services' /metrics: " + e.getMessage());
            return "";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0 ? out : "exit " + p.exitValue() + ": " + out;
    }

    private static String find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }
}
