package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.embedded.ConnectWorker;
import dev.sluice.testkit.KafkaTestCluster;
import dev.sluice.embedded.PostgresServer;
import dev.sluice.schemas.connect.AvroConverter;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.dialect.duckdb.SharedDuckDb;
import dev.sluice.sink.metrics.SinkMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connector on a real Connect worker, fed Avro row records (our AvroConverter and embedded registry) with
 * updates, deletes, duplicates and out-of-order versions, into a DuckDB file and a PostgreSQL database at once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarehouseSinkIT {
    static final String TOPIC = "replica.public.orders";
    static final Schema KEY = SchemaBuilder.struct().name("replica.public.orders.Key")
            .field("region", Schema.STRING_SCHEMA).field("Order Id", Schema.INT32_SCHEMA).build();
    static final Schema VALUE = SchemaBuilder.struct().name("replica.public.orders.Value")
            .field("region", Schema.STRING_SCHEMA).field("Order Id", Schema.INT32_SCHEMA)
            .field("select", Schema.OPTIONAL_STRING_SCHEMA)
            .field("amount", Decimal.builder(2).parameter("connect.decimal.precision", "10").optional().build())
            .field("placed_at", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").optional().build())
            .field("__source_ts", Schema.INT64_SCHEMA).field("__version", Schema.INT64_SCHEMA)
            .field("__deleted", Schema.BOOLEAN_SCHEMA).build();
    static final String ROWS = "SELECT \"region\", \"Order Id\", \"select\", \"amount\", CAST(\"placed_at\" AS VARCHAR), "
            + "\"__version\", \"__deleted\" FROM \"orders\" ORDER BY 1, 2";
    static final String OFFSETS = "SELECT \"partition\", \"next_offset\" FROM \"_sluice_offsets\" WHERE \"connector\" = '%s' "
            + "ORDER BY 1";

    @TempDir
    static Path dir;
    static KafkaTestCluster kafka;
    static PostgresServer pg;
    static EmbeddedSchemaRegistry registry;
    static ConnectWorker connect;
    static KafkaProducer<byte[], byte[]> producer;
    static AvroConverter keys;
    static AvroConverter values;
    static String duckUrl;
    static String pgUrl;
    static final Map<Integer, Long> endOffsets = new TreeMap<>();

    // the global registry is an empty composite until someone (local mode's status page) adds a real one
    static final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void start() {
        Metrics.addRegistry(meters);
        kafka = KafkaTestCluster.start();
        kafka.createTopic(TOPIC, 2);
        pg = PostgresServer.startThrowaway();
        pg.createDatabase("warehouse");
        registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
        connect = ConnectWorker.start(kafka.bootstrapServers(), dir.resolve("connect"), Map.of("offset.flush.interval.ms", "300"));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer());
        keys = new AvroConverter();
        keys.configure(Map.of("schema.registry.url", registry.url()), true);
        values = new AvroConverter();
        values.configure(Map.of("schema.registry.url", registry.url()), false);
        duckUrl = "jdbc:duckdb:" + dir.resolve("warehouse.duckdb");
        pgUrl = pg.jdbcUrl("warehouse");
    }

    @AfterAll
    static void stop() {
        Metrics.removeRegistry(meters);
        for (AutoCloseable c : new AutoCloseable[] {producer, connect, registry, pg, kafka}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    @Order(1)
    void warehouseEqualsTheNewestStateDespiteDuplicatesAndDisorder() throws Exception {
        send("eu", 1, "a", "10.00", 10, false);
        send("eu", 2, "b", "20.00", 11, false);
        send("us", 1, "c", "30.00", 12, false);
        send("eu", 1, "a2", "11.00", 13, false);   // update
        send("eu", 2, null, null, 14, true);        // delete: keeps the stored columns
        send("eu", 1, "a2", "11.00", 13, false);   // the same change delivered twice
        send("us", 1, "c", "30.00", 12, false);
        send("eu", 1, "a", "10.00", 10, false);    // an older version after a newer one
        send("us", 2, null, null, 15, true);        // a delete of a row the warehouse never saw
        producer.flush();

        connect.createConnector("sink-duckdb", connector(duckUrl));
        connect.createConnector("sink-pg", connector(pgUrl));

        List<String> expected = List.of(
                "eu|1|a2|11.00|2024-01-02 03:04:05.000013|13|false",
                "eu|2|b|20.00|2024-01-02 03:04:05.000011|14|true",
                "us|1|c|30.00|2024-01-02 03:04:05.000012|12|false",
                "us|2|null|null|null|15|true");
        for (String url : List.of(duckUrl, pgUrl)) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                assertThat(query(url, ROWS)).containsExactlyElementsOf(expected);
                assertThat(query(url, OFFSETS.formatted(url == duckUrl ? "sink-duckdb" : "sink-pg")))
                        .containsExactlyElementsOf(endOffsetRows());
            });
        }
        assertThat(query(duckUrl, "SELECT \"version\" FROM \"_sluice_progress\" WHERE \"table_name\" = 'orders'"))
                .containsExactly("15");
        // the same JVM's status line reads these from the global registry
        assertThat(Metrics.globalRegistry.find(SinkMetrics.ROWS_UPSERTED).tag("table", "orders").counters())
                .extracting(Counter::count).isNotEmpty().allSatisfy(n -> assertThat(n).isPositive());
        assertThat(Metrics.globalRegistry.find(SinkMetrics.ROWS_DELETED).tag("table", "orders").counter().count()).isPositive();
        assertThat(Metrics.globalRegistry.find(SinkMetrics.FRESHNESS).tag("table", "orders").timer().count()).isPositive();
        assertThat(Metrics.globalRegistry.find(SinkMetrics.BATCH_LATENCY).timer().count()).isPositive();
    }

    @Test
    @Order(2)
    void aRecreatedConnectorSeeksToTheWarehouseOffsetsAndReappliesNothing() throws Exception {
        connect.deleteConnector("sink-duckdb");
        connect.deleteConnector("sink-pg");
        // Forget Connect's own committed offsets: only _sluice_offsets can keep the new tasks from replaying.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() ->
                kafka.admin().deleteConsumerGroups(List.of("connect-sink-duckdb", "connect-sink-pg")).all().get());
        // Tamper with a row and lower its version: any replayed change of eu/1 would now overwrite it.
        for (String url : List.of(duckUrl, pgUrl)) {
            execute(url, "UPDATE \"orders\" SET \"select\" = 'tampered', \"__version\" = 1 WHERE \"region\" = 'eu' AND \"Order Id\" = 1");
        }

        connect.createConnector("sink-duckdb", connector(duckUrl));
        connect.createConnector("sink-pg", connector(pgUrl));
        send("eu", 3, "new", "1.00", 16, false);
        producer.flush();

        for (String url : List.of(duckUrl, pgUrl)) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
                assertThat(query(url, ROWS)).contains("eu|3|new|1.00|2024-01-02 03:04:05.000016|16|false");
                assertThat(query(url, OFFSETS.formatted(url == duckUrl ? "sink-duckdb" : "sink-pg")))
                        .containsExactlyElementsOf(endOffsetRows());
            });
            assertThat(query(url, ROWS)).contains("eu|1|tampered|11.00|2024-01-02 03:04:05.000013|1|false")
                    .hasSize(5);
        }
    }

    static final String DOCS = "replica.public.docs";
    static final Schema DOC_KEY = SchemaBuilder.struct().name("replica.public.docs.Key").field("id", Schema.INT32_SCHEMA).build();
    static final Schema DOC_VALUE = SchemaBuilder.struct().name("replica.public.docs.Value")
            .field("id", Schema.INT32_SCHEMA).field("small", Schema.OPTIONAL_STRING_SCHEMA)
            .field("big", Schema.OPTIONAL_STRING_SCHEMA).field("blob", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("doc", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
            .field("__source_ts", Schema.INT64_SCHEMA).field("__version", Schema.INT64_SCHEMA)
            .field("__deleted", Schema.BOOLEAN_SCHEMA).build();
    static final String PLACEHOLDER = dev.sluice.schemas.toast.UnavailableValue.PLACEHOLDER;

    /**
     * Debezium sends an update that leaves a TOASTed column alone with the placeholder in that column (text, json) or
     * its bytes (bytea). Row 1 gets the update in a later batch than its insert; row 2 gets insert and update back to
     * back (usually one batch). Either way the large values stay and the small column moves.
     */
    @Test
    @Order(3)
    void anUpdateOfASmallColumnLeavesTheToastedLargeColumnsIntact() throws Exception {
        kafka.createTopic(DOCS, 1);
        String big = "large text that PostgreSQL would TOAST ".repeat(5_000); // ~195 KB
        byte[] blob = new byte[50_000];
        new java.util.Random(7).nextBytes(blob);
        String doc = "{\"n\":1,\"tags\":[\"a\",\"b\"]}"; // in jsonb's own key order, so both warehouses print it alike
        sendDoc(1, "v1", big, blob, doc, 100);
        producer.flush();
        connect.createConnector("docs-duckdb", docsConnector(duckUrl));
        connect.createConnector("docs-pg", docsConnector(pgUrl));
        String docs = "SELECT \"id\", \"small\", \"big\", octet_length(\"blob\"), CAST(\"doc\" AS VARCHAR), \"__version\" "
                + "FROM \"docs\" ORDER BY 1";
        for (String url : List.of(duckUrl, pgUrl)) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                    assertThat(query(url, docs)).hasSize(1));
        }

        sendDoc(1, "v2", PLACEHOLDER, PLACEHOLDER.getBytes(java.nio.charset.StandardCharsets.UTF_8), PLACEHOLDER, 101);
        sendDoc(2, "v1", big, blob, doc, 102);
        sendDoc(2, "v2", PLACEHOLDER, PLACEHOLDER.getBytes(java.nio.charset.StandardCharsets.UTF_8), PLACEHOLDER, 103);
        producer.flush();

        for (String url : List.of(duckUrl, pgUrl)) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                    assertThat(query(url, docs)).extracting(r -> r.replace(" ", ""))
                            .containsExactly(("1|v2|" + big + "|50000|" + doc + "|101").replace(" ", ""),
                                    ("2|v2|" + big + "|50000|" + doc + "|103").replace(" ", "")));
            assertThat(query(url, "SELECT \"blob\" = " + (url == pgUrl ? "decode('" + java.util.HexFormat.of().formatHex(blob)
                    + "', 'hex')" : "from_hex('" + java.util.HexFormat.of().formatHex(blob) + "')") + " FROM \"docs\""))
                    .containsExactly("true", "true");
        }
        for (String name : List.of("docs-duckdb", "docs-pg")) {
            assertThat(connect.connectorStatus(name).tasks()).allSatisfy(t -> assertThat(t.state()).isEqualTo("RUNNING"));
            connect.deleteConnector(name);
        }
    }

    private static Map<String, String> docsConnector(String url) {
        Map<String, String> config = connector(url);
        config.put("topics", DOCS);
        config.put("tasks.max", "1");
        return config;
    }

    private static void sendDoc(int id, String small, String big, byte[] blob, String doc, long version) {
        Struct key = new Struct(DOC_KEY).put("id", id);
        Struct value = new Struct(DOC_VALUE).put("id", id).put("small", small).put("big", big).put("blob", blob).put("doc", doc)
                .put("__source_ts", System.currentTimeMillis()).put("__version", version).put("__deleted", false);
        producer.send(new ProducerRecord<>(DOCS, keys.fromConnectData(DOCS, DOC_KEY, key), values.fromConnectData(DOCS, DOC_VALUE, value)));
    }

    private static Map<String, String> connector(String url) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", WarehouseSinkConnector.class.getName());
        config.put("tasks.max", "2");
        config.put("topics", TOPIC);
        config.put("connection.url", url);
        config.put("connection.user", pg.user());
        config.put("key.converter", AvroConverter.class.getName());
        config.put("key.converter.schema.registry.url", registry.url());
        config.put("value.converter", AvroConverter.class.getName());
        config.put("value.converter.schema.registry.url", registry.url());
        return config;
    }

    private static void send(String region, int id, String select, String amount, long version, boolean deleted) {
        Struct key = new Struct(KEY).put("region", region).put("Order Id", id);
        Struct value = new Struct(VALUE).put("region", region).put("Order Id", id).put("select", select)
                .put("amount", amount == null ? null : new BigDecimal(amount))
                .put("placed_at", amount == null ? null : 1_704_164_645_000_000L + version)
                .put("__source_ts", System.currentTimeMillis()).put("__version", version).put("__deleted", deleted);
        try {
            RecordMetadata md = producer.send(new ProducerRecord<>(TOPIC, keys.fromConnectData(TOPIC, KEY, key),
                    values.fromConnectData(TOPIC, VALUE, value))).get();
            endOffsets.merge(md.partition(), md.offset() + 1, Math::max);
        } catch (Exception e) {
            throw new IllegalStateException("Producing to " + TOPIC + " failed", e);
        }
    }

    private static List<String> endOffsetRows() {
        return endOffsets.entrySet().stream().map(e -> e.getKey() + "|" + e.getValue()).toList();
    }

    private static List<String> query(String url, String sql) throws SQLException {
        try (Handle h = open(url); Statement s = h.connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object o = rs.getObject(i);
                    b.append(i > 1 ? "|" : "").append(o instanceof Boolean ? o.toString() : rs.getString(i));
                }
                rows.add(b.toString());
            }
            return rows;
        }
    }

    private static void execute(String url, String sql) throws SQLException {
        try (Handle h = open(url); Statement s = h.connection.createStatement()) {
            s.execute(sql);
        }
    }

    /** DuckDB is read through the worker's own instance (one process per file); PostgreSQL over a plain connection. */
    private record Handle(Connection connection, AutoCloseable owner) implements AutoCloseable {
        @Override
        public void close() throws SQLException {
            try {
                owner.close();
            } catch (SQLException e) {
                throw e;
            } catch (Exception e) {
                throw new SQLException(e);
            }
        }
    }

    private static Handle open(String url) throws SQLException {
        if (url.startsWith("jdbc:duckdb:")) {
            WarehouseConnection c = SharedDuckDb.acquire(url);
            return new Handle(c.jdbc(), c);
        }
        Connection c = DriverManager.getConnection(url, pg.user(), "");
        return new Handle(c, c);
    }
}
