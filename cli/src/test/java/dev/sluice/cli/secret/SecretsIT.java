package dev.sluice.cli.secret;

import dev.sluice.cli.SluiceCommand;
import dev.sluice.cli.chaos.ServiceProcess;
import dev.sluice.embedded.PortCheck;
import dev.sluice.embedded.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A password given every way a user might never shows: in a URL it is refused at start, in one sentence that does not
 * repeat it, before anything is written; as a {@code ${file:...}} reference, a plain {@code sluice.yaml} value, an
 * {@code ${env:...}} reference or {@code PGPASSWORD} it is used (the roles log in with scram-sha-256 only, so a run
 * that replicates proves the password arrived) and appears in no output, log (everything at INFO), status line,
 * {@code /health}, {@code /metrics}, live page or Connect REST answer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecretsIT {

    private static final String SOURCE_SECRET = "SrcPw-7Kq2";
    private static final String WAREHOUSE_SECRET = "WhPw-9Xz4";
    private static final String DECOY_SECRET = "PgDecoy-3Vb8";
    private static final String URL_SECRET = "UrlPw-5Mn6";
    private static final List<String> SECRETS = List.of(SOURCE_SECRET, WAREHOUSE_SECRET, DECOY_SECRET, URL_SECRET);

    private final List<ServiceProcess> processes = new ArrayList<>();
    private Path dir;
    private PostgresServer postgres;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("secrets-it");
        postgres = PostgresServer.startThrowaway();
        postgres.createDatabase("shop");
        postgres.createDatabase("warehouse");
        try (Connection c = postgres.connect("shop"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.items (id int PRIMARY KEY, name text NOT NULL)");
            s.execute("INSERT INTO public.items VALUES (1, 'one'), (2, 'two'), (3, 'three')");
            s.execute("CREATE ROLE leak_src LOGIN SUPERUSER REPLICATION PASSWORD '" + SOURCE_SECRET + "'");
            s.execute("CREATE ROLE leak_wh LOGIN SUPERUSER PASSWORD '" + WAREHOUSE_SECRET + "'");
            PasswordLogins.require(s, List.of("leak_src", "leak_wh"));
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (ServiceProcess p : processes) {
            p.close();
        }
        postgres.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    @Order(1)
    void aPasswordInAnyUrlIsRefusedInOneSentenceThatDoesNotRepeatItBeforeAnythingIsWritten() throws Exception {
        String source = "postgresql://leak_src@localhost:" + postgres.port() + "/shop";
        String sourceWithPassword = "postgresql://leak_src:" + URL_SECRET + "@localhost:" + postgres.port() + "/shop";
        String sourceWithParameter = source + "?sslmode=disable&password=" + URL_SECRET;
        String warehouse = "jdbc:postgresql://localhost:" + postgres.port() + "/warehouse?user=leak_wh";
        String warehouseWithParameter = warehouse + "&password=" + URL_SECRET;
        String kafka = "localhost:" + PortCheck.freePort();
        Path home = dir.resolve("refused-home");
        Path yaml = dir.resolve("refused.yaml");
        Files.writeString(yaml, "local:\n  warehouse: " + warehouseWithParameter + "\n  home: " + home + "\n");

        assertRefused("--source-url holds a password (USER:PASSWORD@)", "local.source.password in the --config file",
                "local", "--source-url", sourceWithPassword, "--home", home.toString());
        assertRefused("local.warehouse in " + yaml + " holds a password (a password= parameter)",
                "local.warehouse.password in the --config file", "local", "--config", yaml.toString());
        assertRefused("--source-url holds a password (a password= parameter)", "ingest.source.password",
                "ingest", "--source-url", sourceWithParameter, "--bootstrap-servers", kafka,
                "--registry-url", "http://localhost:1");
        assertRefused("--warehouse holds a password (a password= parameter)", "connect.warehouse.password",
                "connect", "--warehouse", warehouseWithParameter, "--bootstrap-servers", kafka,
                "--registry-url", "http://localhost:1", "--work-dir", home.resolve("connect").toString());
        assertRefused("--warehouse holds a password (a password= parameter)", "local.warehouse.password",
                "reconcile", "--source-url", source, "--warehouse", warehouseWithParameter);
        assertRefused("--source-url holds a password (USER:PASSWORD@)", "local.source.password",
                "reconcile", "--source-url", sourceWithPassword, "--warehouse", warehouse);
        assertRefused("--source-url holds a password (USER:PASSWORD@)", "PGPASSWORD",
                "backfill", "--source-url", sourceWithPassword, "--table", "public.items", "--bootstrap-servers", kafka,
                "--registry-url", "http://localhost:1");
        assertRefused("--source-url holds a password (a password= parameter)", "PGPASSWORD",
                "slot", "drop", "--source-url", sourceWithParameter);
        assertRefused("--source-url holds a password (USER:PASSWORD@)", "PGPASSWORD",
                "shop", "--source-url", sourceWithPassword);

        assertThat(home).as("no local home, no Connect work directory").doesNotExist();
        assertThat(count("shop", "SELECT count(*) FROM pg_replication_slots")).as("no slot").isZero();
        assertThat(count("shop", "SELECT count(*) FROM pg_publication")).as("no publication").isZero();
        assertThat(count("shop", "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN "
                + "('pg_catalog', 'information_schema') AND table_name <> 'items'")).as("no demo or control table").isZero();
        assertThat(count("warehouse", "SELECT count(*) FROM information_schema.tables WHERE table_schema NOT IN "
                + "('pg_catalog', 'information_schema')")).as("nothing in the warehouse").isZero();
    }

    /** In this JVM, as the command line runs it: exit 2, one line on stderr naming the fix, no password in it. */
    private static void assertRefused(String what, String alternative, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SluiceCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        String said = err.toString().strip();
        assertThat(exit).as(args[0] + ": " + said).isEqualTo(2);
        assertThat(said).as(args[0]).startsWith("sluice: " + what + ", which would be printed and logged with the URL;")
                .contains(alternative).endsWith(".").doesNotContain("\n").doesNotContain(URL_SECRET);
        assertThat(out.toString()).doesNotContain(URL_SECRET);
    }

    @Test
    @Order(2)
    void aPasswordGivenAsReferencePlainValueOrPgpasswordIsUsedAndNeverShown() throws Exception {
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "source=" + SOURCE_SECRET + "\n");
        // sluice local: the source's password as a ${file:...} reference, the warehouse's from PGPASSWORD
        Path localYaml = dir.resolve("local.yaml");
        Files.writeString(localYaml, """
                http:
                  port: 0
                local:
                  source.url: postgresql://leak_src@localhost:%d/shop?sslmode=disable
                  source.password: ${file:%s:source}
                  warehouse: jdbc:postgresql://localhost:%d/warehouse
                  warehouse.user: leak_wh
                  home: %s
                  kafka.port: %d
                  registry.port: %d
                  status.interval.ms: 500
                """.formatted(postgres.port(), secrets, postgres.port(), dir.resolve("home"), PortCheck.freePort(),
                PortCheck.freePort()));
        ServiceProcess local = process("local", Map.of("PGPASSWORD", WAREHOUSE_SECRET), "local", "--config",
                localYaml.toString());
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(local.isAlive()).as(local.output()).isTrue();
            assertThat(warehouseRows()).isEqualTo(3);
        });
        try (Connection c = postgres.connect("shop"); Statement s = c.createStatement()) {
            s.execute("INSERT INTO public.items VALUES (4, 'four')");
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(this::warehouseRows, n -> n == 4);
        await().atMost(Duration.ofSeconds(10)).until(() -> local.output().contains("| written 4 "));

        String page = find(local.output(), "Live page +(http://\\S+?)/ ");
        String connect = find(local.output(), "Kafka Connect +(http://[^\\s/]+)");
        Map<String, String> answers = new HashMap<>();
        for (String path : List.of("/metrics", "/health/live", "/health/ready", "/live/snapshot", "/")) {
            answers.put(page + path, get(page + path));
        }
        for (String path : List.of("/connectors/sluice-warehouse/config", "/connectors/sluice-warehouse/status",
                "/connectors/sluice-warehouse/tasks", "/connectors?expand=info&expand=status")) {
            answers.put(connect + path, get(connect + path));
        }
        assertThat(answers.get(connect + "/connectors/sluice-warehouse/config"))
                .as("the password reaches the connector as a reference").contains("\"connection.password\":\"${sluice:");
        assertThat(answers.get(page + "/metrics")).as("the metrics answer").contains("sluice_");
        answers.forEach((url, body) -> assertNoSecret(url, body));
        local.close();

        // sluice reconcile: the source's password a plain value in sluice.yaml, the warehouse's an ${env:...}
        // reference; PGPASSWORD holds a wrong one, which neither side may take
        Path reconcileYaml = dir.resolve("reconcile.yaml");
        Files.writeString(reconcileYaml, """
                local:
                  source.url: postgresql://leak_src@localhost:%d/shop
                  source.password: %s
                  warehouse: jdbc:postgresql://localhost:%d/warehouse
                  warehouse.user: leak_wh
                  warehouse.password: ${env:LEAK_WAREHOUSE_PASSWORD}
                """.formatted(postgres.port(), SOURCE_SECRET, postgres.port()));
        ServiceProcess reconcile = process("reconcile", Map.of("PGPASSWORD", DECOY_SECRET,
                "LEAK_WAREHOUSE_PASSWORD", WAREHOUSE_SECRET), "reconcile", "--config", reconcileYaml.toString(),
                "--tables", "public.items");
        OptionalInt exit = reconcile.awaitExit(Duration.ofSeconds(60));
        assertThat(exit).as(reconcile.output()).hasValue(0);
        assertThat(reconcile.output()).contains("public.items");

        try (Stream<Path> files = Files.list(dir)) {
            for (Path log : files.filter(p -> p.toString().endsWith(".log")).toList()) {
                assertNoSecret(log.toString(), Files.readString(log));
            }
        }
        assertThat(local.output()).as("logged at INFO, config dumps included").contains("WarehouseSinkConfig values")
                .contains("Sluice is running locally").contains("| written ");
    }

    private static void assertNoSecret(String where, String text) {
        for (String secret : SECRETS) {
            assertThat(text).as(where + " holds no password").doesNotContain(secret);
        }
    }

    /** Everything the process prints and logs (INFO, config dumps included) goes to its log file, searched above. */
    private ServiceProcess process(String name, Map<String, String> env, String... args) throws Exception {
        Path logConfig = dir.resolve("log4j2-info.xml");
        Files.writeString(logConfig, """
                <Configuration status="WARN">
                  <Appenders><Console name="out" target="SYSTEM_OUT"><PatternLayout pattern="%-5level %c{1} - %msg%n"/></Console></Appenders>
                  <Loggers><Root level="INFO"><AppenderRef ref="out"/></Root></Loggers>
                </Configuration>
                """);
        Map<String, String> all = new HashMap<>(env);
        all.put("LOG4J_CONFIGURATION_FILE", logConfig.toString());
        ServiceProcess p = new ServiceProcess(name, List.of(args), dir.resolve(name + ".log"), all);
        processes.add(p);
        p.start();
        return p;
    }

    private static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in " + text).isTrue();
        return m.group(1);
    }

    private static String get(String url) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url + ": " + r.body()).isLessThan(400);
        return r.body();
    }

    private int warehouseRows() throws SQLException {
        if (count("warehouse", "SELECT count(*) FROM information_schema.tables WHERE table_name = 'items'") == 0) {
            return 0;
        }
        return count("warehouse", "SELECT count(*) FROM items WHERE NOT __deleted");
    }

    private int count(String database, String sql) throws SQLException {
        try (Connection c = postgres.connect(database); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getInt(1);
        }
    }
}
