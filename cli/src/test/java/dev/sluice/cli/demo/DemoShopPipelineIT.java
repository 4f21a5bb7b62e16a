package dev.sluice.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.PipelineInfrastructure;
import dev.sluice.cli.local.ReplicationPipeline;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.transforms.metrics.TransformMetrics;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import dev.sluice.transforms.runtime.TransformConfig;
import dev.sluice.transforms.runtime.TransformService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo shop pipeline ({@code shop-revenue.yaml}, DESIGN.md section 5) on real components: PostgreSQL with
 * the load generator -> cdc-ingest -> Kafka -> the replication pipeline (dimensions) and the revenue spec
 * (dedupe, expect, three foreign-key enrichments, a custom step, a windowed aggregate) -> the Connect sink ->
 * the PostgreSQL warehouse. The order-item changes reach the spec through a relay that delivers them shuffled
 * and with replayed copies. The warehouse's revenue table must then equal the same aggregate computed by SQL on
 * the source, every copy must have been counted as a duplicate, and nothing may have been late.
 */
class DemoShopPipelineIT {

    private static final String CAPTURED = "sluice.public.order_items";
    private static final String DELIVERED = "delivered.public.order_items";
    private static final int PARTITIONS = 2;

    /** What the pipeline computes, in SQL over the source: revenue per minute of the order, category, region. */
    private static final String SOURCE_SQL = """
            SELECT (extract(epoch FROM date_trunc('minute', o.created_at)) * 1000)::bigint AS window_start,
                   p.category, c.region, count(*) AS items, sum(i.quantity) AS quantity,
                   sum(i.quantity * i.unit_price) AS revenue
            FROM order_items i
            JOIN products p ON p.id = i.product_id
            JOIN orders o ON o.id = i.order_id
            JOIN customers c ON c.id = o.customer_id
            GROUP BY 1, 2, 3""";
    private static final String WAREHOUSE_SQL = """
            SELECT (extract(epoch FROM window_start) * 1000)::bigint AS window_start, category, region, items,
                   quantity, revenue
            FROM revenue WHERE NOT __deleted AND items > 0""";

    @TempDir
    static Path work;

    private static PipelineInfrastructure infra;

    @BeforeAll
    static void start() {
        infra = PipelineInfrastructure.start("shop", "warehouse");
    }

    @AfterAll
    static void stop() {
        infra.close();
    }

    @Test
    void revenueInTheWarehouseEqualsSqlOnTheSourceDespiteReplaysAndDisorder() throws Exception {
        try (Connection c = infra.postgres.connect("shop")) {
            DemoSchema.create(c);
        }
        LoadGenerator load = new LoadGenerator(infra.postgres.connect("shop"), 250, 11);
        WarehouseTarget warehouse = infra.postgresWarehouse("warehouse");
        String bootstrap = infra.kafka.bootstrapServers();
        try (ReplicationPipeline replication = ReplicationPipeline.start(new ReplicationPipeline.Settings(
                bootstrap, infra.registry.url(), infra.source("shop"), List.of(), List.of(warehouse),
                work.resolve("replication"), PARTITIONS))) {
            createTopic(bootstrap, DELIVERED);
            // the spec as shipped, reading the relay's topic instead of the captured one
            PipelineSpec spec = PipelineSpecParser.parse(demoSpec().replace(CAPTURED, DELIVERED), "shop-revenue.yaml");
            createConnector(replication.connectRestUrl(), "shop-revenue-sink", revenueSink(warehouse));
            try (DisorderlyRelay relay = new DisorderlyRelay(bootstrap, CAPTURED, DELIVERED, PARTITIONS);
                 TransformService shop = new TransformService(TransformConfig.of(bootstrap, infra.registry.url())
                         .withPipeline(spec).withStateDir(work.resolve("shop")))) {
                shop.start();
                load.start();
                await().atMost(Duration.ofMinutes(1)).until(() -> load.changes() >= 6_000);
                load.close();

                // the sink creates the table with the first aggregate row
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                        .ignoreExceptionsInstanceOf(SQLException.class).untilAsserted(() ->
                        assertThat(rows(warehouse.open(), WAREHOUSE_SQL))
                                .isEqualTo(rows(infra.postgres.connect("shop"), SOURCE_SQL)));
                Map<String, String> source = rows(infra.postgres.connect("shop"), SOURCE_SQL);
                System.out.printf("shop: %d changes, %d records relayed, %d replayed, %d out of order, %d groups%n",
                        load.changes(), relay.relayed(), relay.duplicates(), relay.outOfOrder(), source.size());
                assertThat(source).hasSizeGreaterThan(20);
                assertThat(relay.outOfOrder()).as("records delivered out of order").isPositive();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> counter(TransformMetrics.DUPLICATES) == relay.duplicates());
                assertThat(relay.duplicates()).isGreaterThan(500);
                assertThat(counter(TransformMetrics.LATE)).isZero();
                assertThat(counter(TransformMetrics.QUARANTINED)).isZero();
            }
        }
    }

    static String demoSpec() throws IOException {
        try (InputStream in = DemoShopPipelineIT.class.getResourceAsStream("/dev/sluice/cli/demo/shop-revenue.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static double counter(String name) {
        Counter counter = Metrics.globalRegistry.find(name).tag("pipeline", "shop").counter();
        return counter == null ? 0 : counter.count();
    }

    private static Map<String, Object> revenueSink(WarehouseTarget warehouse) {
        Map<String, Object> config = new HashMap<>(SinkConnectorConfig.forWarehouse(warehouse, infra.registry.url()));
        config.remove("topics.regex");
        config.put("topics", "shop.revenue");
        return config;
    }

    private static void createConnector(String restUrl, String name, Map<String, Object> config) throws Exception {
        String body = new ObjectMapper().writeValueAsString(Map.of("name", name, "config", config));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder()
                .uri(URI.create(restUrl.replaceAll("/+$", "") + "/connectors")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    private static void createTopic(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(Set.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
            }
        }
    }

    /** (window, category, region) -> "items quantity revenue", revenue to cents. */
    private static Map<String, String> rows(Connection connection, String sql) throws SQLException {
        Map<String, String> rows = new TreeMap<>();
        try (connection; Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.put(rs.getLong(1) + " " + rs.getString(2) + " " + rs.getString(3), rs.getLong(4) + " "
                        + rs.getLong(5) + " " + new BigDecimal(rs.getString(6)).setScale(2, RoundingMode.HALF_UP));
            }
        }
        return rows;
    }
}
