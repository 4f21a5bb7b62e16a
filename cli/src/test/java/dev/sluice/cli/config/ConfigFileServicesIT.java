package dev.sluice.cli.config;

import dev.sluice.cli.chaos.ServiceProcess;
import dev.sluice.cli.secret.PasswordLogins;
import dev.sluice.embedded.LocalKafkaBroker;
import dev.sluice.embedded.PortCheck;
import dev.sluice.embedded.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One {@code sluice.yaml} drives ingest, transform and connect (beside {@code sluice registry}, from a file of its
 * own), each its own process, with the source password in a
 * properties file ({@code ${file:...}}) and the warehouse password in the environment ({@code ${env:...}}). Both roles
 * need their password (scram-sha-256 in pg_hba.conf), so rows reaching the warehouse prove the references resolved;
 * and neither secret appears in any service's output or log, nor in Connect's REST API. A file with a mistyped key
 * stops the service at start with one sentence, before it creates its replication slot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConfigFileServicesIT {

    private static final String SOURCE_SECRET = "src-Secret-4711";
    private static final String WAREHOUSE_SECRET = "wh-Secret-0815";
    private static final String WAREHOUSE_ENV = "SLUICE_IT_WAREHOUSE_PASSWORD";
    private static final Pattern REGISTRY_API = Pattern.compile("Schema Registry API at (http://[^ ]+)");
    private static final Pattern CONNECT_REST = Pattern.compile("Connect REST (http://[^ )/]+)");

    private final List<ServiceProcess> services = new ArrayList<>();
    private Path dir;
    private LocalKafkaBroker broker;
    private PostgresServer postgres;
    private String registryUrl;
    private Path config;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("config-file-it");
        broker = LocalKafkaBroker.start(dir.resolve("kafka"), PortCheck.freePort());
        postgres = PostgresServer.startThrowaway();
        postgres.createDatabase("shop");
        postgres.createDatabase("warehouse");
        try (Connection c = postgres.connect("shop"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.items (id int PRIMARY KEY, name text NOT NULL)");
            s.execute("INSERT INTO public.items VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            s.execute("CREATE ROLE sluice_src LOGIN SUPERUSER REPLICATION PASSWORD '" + SOURCE_SECRET + "'");
            s.execute("CREATE ROLE sluice_wh LOGIN SUPERUSER PASSWORD '" + WAREHOUSE_SECRET + "'");
            PasswordLogins.require(s, List.of("sluice_src", "sluice_wh"));
        }
        // sluice registry from a file of its own: its URL (a free port) goes into the services' file
        Path registryConfig = dir.resolve("registry.yaml");
        Files.writeString(registryConfig, "kafka:\n  bootstrap.servers: " + broker.bootstrapServers()
                + "\n  client.dns.lookup: use_all_dns_ips\nregistry:\n  port: 0\nhttp:\n  port: 0\n");
        ServiceProcess registry = service("registry", Map.of(), "registry", "--config", registryConfig.toString());
        registryUrl = await().atMost(Duration.ofSeconds(90)).until(() -> {
            assertThat(registry.isAlive()).as(registry.output()).isTrue();
            Matcher m = REGISTRY_API.matcher(registry.output());
            return m.find() ? m.group(1) : null;
        }, u -> u != null);
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "source.password=" + SOURCE_SECRET + "\n");
        config = dir.resolve("sluice.yaml");
        Files.writeString(config, """
                kafka:
                  bootstrap.servers: %s
                  client.dns.lookup: use_all_dns_ips
                schema-registry:
                  url: %s
                http:
                  port: 0
                ingest:
                  source.url: postgresql://sluice_src@localhost:%d/shop?sslmode=disable&ApplicationName=sluice-it
                  source.password: ${file:%s:source.password}
                  tables: [public.items]
                  slot: config_it
                  publication: config_it
                  heartbeat.interval.ms: 1000
                transform:
                  state.dir: %s
                connect:
                  warehouse: jdbc:postgresql://localhost:%d/warehouse
                  warehouse.user: sluice_wh
                  warehouse.password: ${env:%s}
                  work.dir: %s
                """.formatted(broker.bootstrapServers(), registryUrl, postgres.port(), secrets,
                dir.resolve("streams"), postgres.port(), WAREHOUSE_ENV, dir.resolve("connect")));
    }

    @AfterAll
    void stop() throws Exception {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        broker.close();
        postgres.close();
    }

    @Test
    @Order(1)
    void aMistypedKeyStopsIngestAtStartBeforeItCreatesItsSlot() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(config).replace("  slot: config_it", "  slott: config_it"));
        ServiceProcess ingest = new ServiceProcess("bad-ingest", List.of("ingest", "--config", bad.toString()),
                dir.resolve("bad-ingest.log"));
        ingest.start();
        OptionalInt exit = ingest.awaitExit(Duration.ofSeconds(60));
        assertThat(exit).as(ingest.output()).hasValue(2);
        assertThat(ingest.output()).contains("sluice: " + bad + ": 'ingest.slott' is not a setting of ingest; use one of");
        try (Connection c = postgres.connect("shop"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM pg_replication_slots")) {
            r.next();
            assertThat(r.getInt(1)).isZero();
        }
    }

    @Test
    @Order(2)
    void oneFileWithSecretReferencesDrivesIngestTransformAndConnect() throws Exception {
        // the warehouse password only in the environment of connect; a flag still wins over the file (--http-port)
        ServiceProcess ingest = service("ingest", Map.of(), "ingest", "--config", config.toString(), "--http-port", "0");
        ServiceProcess transform = service("transform", Map.of(), "transform", "--config", config.toString());
        ServiceProcess connect = service("connect", Map.of(WAREHOUSE_ENV, WAREHOUSE_SECRET), "connect",
                "--config", config.toString());

        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            for (ServiceProcess p : List.of(ingest, transform, connect)) {
                assertThat(p.isAlive()).as(p.name() + " runs: " + p.output()).isTrue();
            }
            assertThat(warehouseRows()).isEqualTo(3);
        });
        try (Connection c = postgres.connect("shop"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO public.items VALUES (4, 'four')");
        }
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).until(this::warehouseRows, n -> n == 4);

        Matcher rest = CONNECT_REST.matcher(connect.output());
        assertThat(rest.find()).as(connect.output()).isTrue();
        HttpResponse<String> connectorConfig = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(rest.group(1) + "/connectors/sluice-warehouse/config")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(connectorConfig.statusCode()).isEqualTo(200);
        assertThat(connectorConfig.body()).contains("\"connection.password\":\"${env:" + WAREHOUSE_ENV + "}\"")
                .doesNotContain(WAREHOUSE_SECRET);
        HttpResponse<String> status = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(rest.group(1) + "/connectors/sluice-warehouse/status")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(status.body()).doesNotContain(WAREHOUSE_SECRET).doesNotContain(SOURCE_SECRET);

        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                String text = Files.readString(log);
                assertThat(text).as(log + " holds no secret").doesNotContain(SOURCE_SECRET).doesNotContain(WAREHOUSE_SECRET);
            }
        }
        assertThat(Files.readString(dir.resolve("connect.log"))).as("the services logged at INFO")
                .contains("WarehouseSinkConfig values");
    }

    private int warehouseRows() throws SQLException {
        try (Connection c = postgres.connect("warehouse"); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = 'items'")) {
                r.next();
                if (r.getInt(1) == 0) {
                    return 0;
                }
            }
            try (ResultSet r = s.executeQuery("SELECT count(*) FROM items WHERE NOT __deleted")) {
                r.next();
                return r.getInt(1);
            }
        }
    }

    /** Each service logs everything at INFO (config dumps included) into its log, which is searched for secrets. */
    private ServiceProcess service(String name, Map<String, String> env, String... args) throws Exception {
        Path logConfig = dir.resolve("log4j2-info.xml");
        Files.writeString(logConfig, """
                <Configuration status="WARN">
                  <Appenders><Console name="out" target="SYSTEM_OUT"><PatternLayout pattern="%-5level %c{1} - %msg%n"/></Console></Appenders>
                  <Loggers><Root level="INFO"><AppenderRef ref="out"/></Root></Loggers>
                </Configuration>
                """);
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("LOG4J_CONFIGURATION_FILE", logConfig.toString());
        ServiceProcess p = new ServiceProcess(name, List.of(args), dir.resolve(name + ".log"), all);
        services.add(p);
        p.start();
        return p;
    }
}
