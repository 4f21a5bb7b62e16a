package dev.sluice.cli.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.cli.chaos.ServiceProcess;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.embedded.ConnectWorker;
import dev.sluice.embedded.LocalKafkaBroker;
import dev.sluice.embedded.PortCheck;
import dev.sluice.embedded.PostgresServer;
import dev.sluice.ingest.IngestService;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.schemas.registry.RestSchemaRegistryClient;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.dialect.duckdb.SharedDuckDb;
import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.Matcher;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own pipeline spec on every real component: a {@code public.payments} table of the user's (not the
 * demo shop) in PostgreSQL -> cdc-ingest -> Kafka -> {@code sluice transform --spec payments-clean.yaml} in its own
 * JVM, beside the replication pipeline (dedupe, expect, filter, mask: hashed e-mail, card number's last four) ->
 * the Connect sink -> a DuckDB file. The warehouse's {@code payments_clean} must equal the source's payments that
 * pass the spec's check and filter, masked as the spec says; {@code payments} is replicated beside it. Then
 * {@code sluice spec check} against the same registry names a column the registered schema lacks.
 */
class UserSpecTransformIT {

    private static final String SALT_ENV = "PAYMENTS_SALT";
    private static final String SALT = "payments-test-salt-0123456789";
    private static final String CHANGE_TOPIC = "sluice.public.payments";

    /** Line 10 filters on the status; the mask takes its salt from {@link #SALT_ENV}. */
    static final String SPEC = """
            pipeline: payments-clean
            source:
              topics: [sluice.public.payments]
            steps:
              - dedupe: {window: 1h, allowed-lateness: 10m}
              - unwrap: {}
              - expect:
                  name: checks
                  rules: [{field: amount, min: 0}]
              - filter: {field: status, not-in: [failed]}
              - mask:
                  salt-env: PAYMENTS_SALT
                  fields: {customer_email: hash, card_number: {keep-last: 4}}
            output:
              topic: payments.public.payments_clean
            """;

    /** What the spec keeps, in SQL over the source. */
    private static final String PASSING_SQL = """
            SELECT id, customer_email, amount::text, status, card_number FROM payments
            WHERE amount >= 0 AND (status IS NULL OR status <> 'failed')""";
    /** What it keeps once its rule is fixed to let amounts down to -10 pass (every amount here). */
    private static final String FIXED_PASSING_SQL = PASSING_SQL.replace("amount >= 0", "amount >= -10");
    private static final String WAREHOUSE_SQL = """
            SELECT id, customer_email, CAST(amount AS VARCHAR), status, card_number FROM payments_clean
            WHERE NOT __deleted""";

    @TempDir
    static Path work;

    private static LocalKafkaBroker broker;
    private static PostgresServer postgres;
    private static EmbeddedSchemaRegistry registry;
    private static IngestService ingest;

    @BeforeAll
    static void start() throws Exception {
        broker = LocalKafkaBroker.start(work.resolve("kafka"), PortCheck.freePort());
        postgres = PostgresServer.startThrowaway();
        registry = EmbeddedSchemaRegistry.start(broker.bootstrapServers(), 0);
        postgres.createDatabase("billing");
        try (Connection c = postgres.connect("billing"); Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE public.payments (id bigint PRIMARY KEY, customer_email text, amount numeric(12, 2),
                                                  status text, card_number text)""");
            // existing rows reach Kafka through the snapshot: one negative amount, one failed, one without a card
            s.execute("""
                    INSERT INTO payments VALUES (1, 'ann@example.com', 10.50, 'paid', '4111111111111111'),
                      (2, 'bob@example.com', 0.00, 'failed', '5500000000000004'),
                      (3, 'cy@example.com', -3.00, 'paid', '340000000000009'),
                      (4, 'dee@example.com', 99.99, 'pending', NULL)""");
        }
        ingest = new IngestService(IngestSettings.builder()
                .sourceHost(postgres.host()).sourcePort(postgres.port()).database("billing")
                .user(postgres.user()).password(postgres.password())
                .tables("public.payments")
                .bootstrapServers(broker.bootstrapServers())
                .schemaRegistryUrl(registry.url())
                .build());
        ingest.start();
        // the spec's column check and its topics need the change topic and its schema
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry.url());
        await().atMost(Duration.ofMinutes(1)).ignoreExceptions()
                .until(() -> client.latest(CHANGE_TOPIC + "-value") != null);
    }

    @AfterAll
    static void stop() {
        if (ingest != null) {
            ingest.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theWarehouseHoldsThePaymentsPassingTheSpecMaskedAsItSays() throws Exception {
        Path spec = Files.writeString(work.resolve("payments-clean.yaml"), SPEC);
        WarehouseTarget warehouse = WarehouseTarget.parse("jdbc:duckdb:" + work.resolve("warehouse.duckdb"), null);
        String bootstrap = broker.bootstrapServers();
        List<String> transformArgs = List.of("transform", "--bootstrap-servers", bootstrap,
                "--registry-url", registry.url(), "--spec", spec.toString(),
                "--state-dir", work.resolve("streams").toString(), "--http-port", "0");
        try (ServiceProcess transform = new ServiceProcess("transform", transformArgs, work.resolve("transform.log"),
                Map.of(SALT_ENV, SALT));
             ConnectWorker connect = ConnectWorker.start(bootstrap, work.resolve("connect"),
                     Map.of("offset.flush.interval.ms", "250"))) {
            transform.start();
            // as `sluice connect --spec` does: the replication rows and, through a second connector, the spec's outputs
            connect.createConnector(SinkConnectorConfig.NAME, SinkConnectorConfig.forWarehouse(warehouse, registry.url()));
            connect.createConnector(SinkConnectorConfig.NAME + "-specs", SinkConnectorConfig.forTopicsRegex(warehouse,
                    registry.url(), SinkConnectorConfig.DEFAULT_POLICY,
                    UserSpecs.outputTopicsRegex(List.of(PipelineSpecParser.parse(SPEC, "payments-clean.yaml")))));
            awaitTopic(bootstrap, "payments.public.payments_clean");

            try (Connection c = postgres.connect("billing"); Statement s = c.createStatement()) {
                // streamed changes: every 7th failed, amounts from -5 up (negatives quarantined)
                s.execute("""
                        INSERT INTO payments SELECT i, 'user' || i || '@example.com', (i % 50) - 5,
                          CASE WHEN i % 7 = 0 THEN 'failed' ELSE 'paid' END, lpad(i::text, 16, '4')
                        FROM generate_series(100, 399) AS i""");
                // raising an amount keeps a passing row passing and lets some quarantined ones pass
                s.execute("UPDATE payments SET amount = amount + 1 WHERE id % 5 = 0");
                s.execute("UPDATE payments SET customer_email = 'new-' || customer_email WHERE id % 9 = 0");
                s.execute("DELETE FROM payments WHERE id % 11 = 0");
            }

            Map<String, String> expected = expected();
            assertThat(expected).hasSizeGreaterThan(200);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptionsInstanceOf(SQLException.class)
                    .untilAsserted(() -> assertThat(warehouse(warehouse, WAREHOUSE_SQL)).isEqualTo(expected));
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptionsInstanceOf(SQLException.class)
                    .untilAsserted(() -> assertThat(warehouse(warehouse,
                            "SELECT id, status FROM payments WHERE NOT __deleted"))
                            .isEqualTo(source("SELECT id, status FROM payments")));
            assertThat(transform.isAlive()).as("sluice transform still runs (see transform.log)").isTrue();

            // the rule is fixed (amounts down to -10 pass) and the pipeline restarted with it; the quarantined payments
            // are sent back in, each once, and judged by the fixed rule
            transform.close();
            Path fixed = Files.writeString(work.resolve("payments-fixed.yaml"), SPEC.replace("min: 0", "min: -10"));
            List<String> fixedArgs = new ArrayList<>(transformArgs);
            fixedArgs.set(fixedArgs.indexOf(spec.toString()), fixed.toString());
            try (ServiceProcess again = new ServiceProcess("transform-fixed", fixedArgs, work.resolve("transform-fixed.log"),
                    Map.of(SALT_ENV, SALT))) {
                again.start();
                awaitTopic(bootstrap, "payments-clean.requeue");
                UserSpecCommandsTest.Run replay = UserSpecCommandsTest.sluice("replay", "--quarantine", "payments-clean",
                        "--bootstrap-servers", bootstrap);
                assertThat(replay.exit()).as(replay.err()).isZero();
                assertThat(replay.out()).contains("before step checks");
                assertThat(sentBack(replay.out())).as("quarantined versions sent back")
                        .isGreaterThanOrEqualTo(source("SELECT id, status FROM payments WHERE amount < 0").size());
                Map<String, String> fixedExpected = expected(FIXED_PASSING_SQL);
                assertThat(fixedExpected).hasSizeGreaterThan(expected.size());
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                        .ignoreExceptionsInstanceOf(SQLException.class)
                        .untilAsserted(() -> assertThat(warehouse(warehouse, WAREHOUSE_SQL)).isEqualTo(fixedExpected));
                // once: a second run finds nothing new (the fixed rule quarantined none of them again)
                UserSpecCommandsTest.Run twice = UserSpecCommandsTest.sluice("replay", "--quarantine", "payments-clean",
                        "--bootstrap-servers", bootstrap);
                assertThat(twice.out()).as(twice.err()).contains("Sent 0 quarantined record(s) of payments-clean back.");
                assertThat(again.isAlive()).as("the fixed sluice transform still runs (see transform-fixed.log)").isTrue();
            }
        }
    }

    private static long sentBack(String out) {
        Matcher m = Pattern.compile("Sent (\\d+) quarantined").matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }

    @Test
    void specCheckNamesAColumnTheRegisteredSchemaLacks() throws Exception {
        Path good = Files.writeString(work.resolve("check-good.yaml"), SPEC);
        Path misspelt = Files.writeString(work.resolve("check-misspelt.yaml"), SPEC
                .replace("pipeline: payments-clean", "pipeline: payments-misspelt")
                .replace("{field: status, not-in: [failed]}", "{field: stauts, not-in: [failed]}"));
        Path unregistered = Files.writeString(work.resolve("check-unregistered.yaml"), SPEC
                .replace("pipeline: payments-clean", "pipeline: refunds-clean")
                .replace("sluice.public.payments", "sluice.public.refunds"));

        UserSpecCommandsTest.Run run = UserSpecCommandsTest.sluice("spec", "check", good.toString(),
                misspelt.toString(), unregistered.toString(), "--registry-url", registry.url());

        assertThat(run.exit()).as(run.err()).isEqualTo(1);
        assertThat(run.out().lines().toList()).containsExactly(
                good + ": ok",
                misspelt + ": Pipeline payments-misspelt, step 'filter' (line 10, reading sluice.public.payments):"
                        + " field names column 'stauts', which the rows here do not have (columns: id, customer_email,"
                        + " amount, status, card_number, __source_ts, __version, __deleted); fix the column name.",
                unregistered + ": ok (columns not checked for sluice.public.refunds: nothing registered yet)");

        UserSpecCommandsTest.Run fine = UserSpecCommandsTest.sluice("spec", "check", good.toString(),
                "--registry-url", registry.url());
        assertThat(fine.exit()).as(fine.out() + fine.err()).isZero();
    }

    /** The source rows passing the spec, masked as the spec masks them: id -> e-mail hash, amount, status, card. */
    private static Map<String, String> expected() throws SQLException {
        return expected(PASSING_SQL);
    }

    private static Map<String, String> expected(String passingSql) throws SQLException {
        Map<String, String> expected = new TreeMap<>();
        try (Connection c = postgres.connect("billing"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(passingSql)) {
            while (rs.next()) {
                expected.put(rs.getString(1), String.join(" ", hmac(rs.getString(2)), amount(rs.getString(3)),
                        rs.getString(4), keepLast4(rs.getString(5))));
            }
        }
        return expected;
    }

    private static Map<String, String> warehouse(WarehouseTarget warehouse, String sql) throws SQLException {
        // the sink's DuckDB instance in this JVM: DuckDB admits one process per file
        try (WarehouseConnection connection = SharedDuckDb.acquire(warehouse.jdbcUrl());
             Statement s = connection.jdbc().createStatement(); ResultSet rs = s.executeQuery(sql)) {
            Map<String, String> rows = new TreeMap<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 2; i <= columns; i++) {
                    String value = rs.getString(i);
                    row.append(i == 2 ? "" : " ").append(i == 3 && columns == 5 ? amount(value) : value);
                }
                rows.put(rs.getString(1), row.toString());
            }
            return rows;
        }
    }

    private static Map<String, String> source(String sql) throws SQLException {
        try (Connection c = postgres.connect("billing"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            Map<String, String> rows = new TreeMap<>();
            while (rs.next()) {
                rows.put(rs.getString(1), rs.getString(2));
            }
            return rows;
        }
    }

    private static void awaitTopic(String bootstrap, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic));
        }
    }

    private static String amount(String value) {
        return value == null ? null : new BigDecimal(value).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    private static String keepLast4(String value) {
        return value == null || value.length() <= 4 ? value : "*".repeat(value.length() - 4) + value.substring(value.length() - 4);
    }

    private static String hmac(String value) {
        if (value == null) {
            return null;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SALT.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
