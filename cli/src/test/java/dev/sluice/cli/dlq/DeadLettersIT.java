package dev.sluice.cli.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.cli.SluiceCommand;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.embedded.ConnectWorker;
import dev.sluice.testkit.KafkaTestCluster;
import dev.sluice.embedded.PostgresServer;
import dev.sluice.schemas.connect.AvroConverter;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The sink as every CLI path configures it ({@link SinkConnectorConfig}) on a real Connect worker, a real broker and
 * a PostgreSQL warehouse: wrong bytes, a tombstone and a row the warehouse refuses (a CHECK constraint) go to
 * {@code sluice-sink.dlq} with their reason, stage and source coordinates while later rows keep landing; after the
 * constraint is dropped, {@code sluice dlq replay} brings the refused row in, and a second replay sends it no more.
 */
class DeadLettersIT {
    static final String TOPIC = "replica.public.orders";
    static final String DLQ = SinkConnectorConfig.DEAD_LETTER_TOPIC;
    static final Schema KEY = SchemaBuilder.struct().name("replica.public.orders.Key").field("id", Schema.INT32_SCHEMA).build();
    static final Schema VALUE = SchemaBuilder.struct().name("replica.public.orders.Value")
            .field("id", Schema.INT32_SCHEMA).field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("__source_ts", Schema.INT64_SCHEMA).field("__version", Schema.INT64_SCHEMA)
            .field("__deleted", Schema.BOOLEAN_SCHEMA).build();

    @TempDir
    static Path dir;
    static KafkaTestCluster kafka;
    static PostgresServer pg;
    static EmbeddedSchemaRegistry registry;
    static ConnectWorker connect;
    static KafkaProducer<byte[], byte[]> producer;
    static AvroConverter keys;
    static AvroConverter values;

    @BeforeAll
    static void start() {
        kafka = KafkaTestCluster.start();
        kafka.createTopic(TOPIC, 1);
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
    }

    @AfterAll
    static void stop() {
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
    void badRecordsAndRefusedRowsAreDeadLetteredLaterRowsLandAndReplayBringsTheFixedRowInOnce() throws Exception {
        send(1, "first", 10);
        WarehouseTarget warehouse = new WarehouseTarget(pg.jdbcUrl("warehouse"), pg.user(), pg.password());
        connect.createConnector(SinkConnectorConfig.NAME, SinkConnectorConfig.forTopics(warehouse, registry.url(),
                SinkConnectorConfig.DEFAULT_POLICY, List.of(TOPIC)));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                assertThat(query("SELECT \"id\" FROM \"orders\"")).containsExactly("1"));
        execute("ALTER TABLE \"orders\" ADD CONSTRAINT \"no_refused\" CHECK (\"note\" <> 'refused')");

        byte[] key = keys.fromConnectData(TOPIC, KEY, new Struct(KEY).put("id", 9));
        producer.send(new ProducerRecord<>(TOPIC, key, "not avro".getBytes(StandardCharsets.UTF_8))).get(); // offset 1
        producer.send(new ProducerRecord<>(TOPIC, key, null)).get();                                          // offset 2
        send(2, "refused", 20);                                                                              // offset 3
        send(3, "later", 30);                                                                                // offset 4

        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                assertThat(query("SELECT \"id\" FROM \"orders\" ORDER BY 1")).containsExactly("1", "3"));
        List<DeadLetter> letters = read(DLQ);
        assertThat(letters).extracting(DeadLetter::source)
                .containsExactlyInAnyOrder(TOPIC + "-0@1", TOPIC + "-0@2", TOPIC + "-0@3");
        assertThat(letters).filteredOn(l -> l.sourceOffset() == 1).singleElement().satisfies(l -> {
            assertThat(l.stage()).isEqualTo("connect.value_converter");
            assertThat(l.record().value()).isEqualTo("not avro".getBytes(StandardCharsets.UTF_8));
        });
        assertThat(letters).filteredOn(l -> l.sourceOffset() == 2).singleElement().satisfies(l -> {
            assertThat(l.stage()).isEqualTo("sink.read");
            assertThat(l.reason()).contains("tombstone");
            assertThat(l.record().value()).isNull();
        });
        assertThat(letters).filteredOn(l -> l.sourceOffset() == 3).singleElement().satisfies(l -> {
            assertThat(l.stage()).isEqualTo("sink.write");
            assertThat(l.reason()).contains("refused this row").contains("no_refused");
            assertThat(l.record().headers().lastHeader("__connect.errors.topic")).isNotNull(); // Connect's context headers
        });
        assertThat(connect.connectorStatus(SinkConnectorConfig.NAME).tasks())
                .allSatisfy(t -> assertThat(t.state()).isEqualTo("RUNNING"));
        assertThat(sluice("dlq", "list")).containsPattern(DLQ.replace(".", "\\.") + "\\s+3");
        assertThat(sluice("dlq", "show", DLQ)).contains("stage=sink.write source=" + TOPIC + "-0@3")
                .contains("3 dead letter(s)");

        execute("ALTER TABLE \"orders\" DROP CONSTRAINT \"no_refused\"");
        assertThat(sluice("dlq", "replay", DLQ)).contains("Replayed 3 dead letter(s)");

        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                assertThat(query("SELECT \"id\", \"note\" FROM \"orders\" ORDER BY 1")).containsExactly("1|first", "2|refused", "3|later"));
        // the wrong bytes and the tombstone were not fixed: they come back to the dead letters, as new ones
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(read(DLQ)).hasSize(5));
        assertThat(sluice("dlq", "replay", DLQ)).contains("Replayed 2 dead letter(s)");
        List<String> replayedFrom = new ArrayList<>();
        new DeadLetterReader(kafkaSettings()).read(TOPIC, l -> {
            var h = l.record().headers().lastHeader(DeadLetter.REPLAYED_FROM);
            if (h != null) {
                replayedFrom.add(new String(h.value(), StandardCharsets.UTF_8));
            }
        });
        // each dead letter was sent back exactly once: the refused row's once, although replay ran twice
        assertThat(replayedFrom).doesNotHaveDuplicates().hasSize(5);
        assertThat(query("SELECT count(*) FROM \"orders\" WHERE \"id\" = 2")).containsExactly("1");
    }

    private static Map<String, String> kafkaSettings() {
        return Map.of("bootstrap.servers", kafka.bootstrapServers());
    }

    private static List<DeadLetter> read(String topic) {
        List<DeadLetter> letters = new ArrayList<>();
        new DeadLetterReader(kafkaSettings()).read(topic, letters::add);
        return letters;
    }

    private static String sluice(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SluiceCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--bootstrap-servers";
        all[args.length + 1] = kafka.bootstrapServers();
        int code = cli.execute(all);
        assertThat(code).as("sluice %s: %s", String.join(" ", args), err).isZero();
        return out.toString();
    }

    private static void send(int id, String note, long version) throws Exception {
        Struct value = new Struct(VALUE).put("id", id).put("note", note).put("__source_ts", System.currentTimeMillis())
                .put("__version", version).put("__deleted", false);
        producer.send(new ProducerRecord<>(TOPIC, keys.fromConnectData(TOPIC, KEY, new Struct(KEY).put("id", id)),
                values.fromConnectData(TOPIC, VALUE, value))).get();
    }

    private static List<String> query(String sql) throws SQLException {
        try (Connection c = pg.connect("warehouse"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<String> rows = new ArrayList<>();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    b.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(b.toString());
            }
            return rows;
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Connection c = pg.connect("warehouse"); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
