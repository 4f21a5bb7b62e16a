package dev.sluice.cli.values;

import dev.sluice.cli.PipelineInfrastructure;
import dev.sluice.cli.local.ReplicationPipeline;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.ingest.IngestService;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.publish.IngestDeadLetters;
import dev.sluice.schemas.kafka.RecordSizeLimit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;


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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every valid source value is carried (issue 13, item 3), through the real pipeline (Debezium, Kafka, Streams, a
 * Connect worker) into a PostgreSQL warehouse, on a broker configured by {@link RecordSizeLimit#DEFAULT}:
 * a 2 MB row (initial load) and a 40 MB row (streamed) arrive byte for byte; timestamp, timestamptz and date
 * ±infinity and numeric NaN/±Infinity arrive with the same text form, through the initial load and streaming; a row
 * holding NaN in a numeric(p,s) column, which has no Decimal form, goes to ingest's dead-letter topic with the reason.
 * A change above a small {@code kafka.max.record.bytes} stops ingest with one sentence naming table, key and setting,
 * after ingest raised its existing change topic's {@code max.message.bytes} to that setting.
 */
class SourceValuesIT {

    private static final int MB = 1 << 20;

    @TempDir
    static Path work;

    private static PipelineInfrastructure infra;

    @BeforeAll
    static void start() {
        infra = PipelineInfrastructure.start(RecordSizeLimit.DEFAULT.broker(), "values_source", "values_warehouse",
                "values_limited");
    }

    @AfterAll
    static void stop() {
        infra.close();
    }

    @Test
    void largeRowsAndSpecialValuesArriveExactly() throws Exception {
        SourceUrl source = infra.source("values_source");
        WarehouseTarget warehouse = infra.postgresWarehouse("values_warehouse");
        try (Connection c = infra.postgres.connect("values_source"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE big (id integer PRIMARY KEY, body text)");
            s.execute("CREATE TABLE special (id integer PRIMARY KEY, ts timestamp, tstz timestamptz, d date, n numeric)");
            s.execute("CREATE TABLE fixed (id integer PRIMARY KEY, price numeric(10,2))");
            s.execute("INSERT INTO fixed VALUES (1, 1.5), (2, 'NaN')");
            // before capture: through the initial load (Debezium's incremental snapshot reads them over JDBC)
            s.execute(insertBig(1, 2 * MB));
            s.execute("INSERT INTO special VALUES (1, 'infinity', '-infinity', 'infinity', 'NaN'), "
                    + "(2, '-infinity', 'infinity', '-infinity', 'Infinity'), "
                    + "(3, '2026-12-04 10:00:00.123456', '2026-12-04 10:00:00.5+02', '2026-12-04', '-Infinity')");
        }
        try (ReplicationPipeline pipeline = ReplicationPipeline.start(ReplicationPipeline.Settings.of(
                infra.kafka.bootstrapServers(), infra.registry.url(), source,
                List.of("public.big", "public.special", "public.fixed"),
                List.of(warehouse), work.resolve("state")))) {
            try (Connection c = infra.postgres.connect("values_source"); Statement s = c.createStatement()) {
                // streamed: pgoutput's text form of each value
                s.execute(insertBig(2, 40 * MB));
                s.execute("INSERT INTO special VALUES (4, 'infinity', '-infinity', 'infinity', 'NaN'), "
                        + "(5, '-infinity', 'infinity', '-infinity', '-Infinity'), (6, NULL, NULL, NULL, '12.5000')");
                s.execute("UPDATE special SET n = 'Infinity', ts = '-infinity' WHERE id = 3");
                s.execute("INSERT INTO fixed VALUES (3, 'NaN'), (4, 2.25)");
            }
            String bigRows = "SELECT id, length(body), md5(body) FROM big ORDER BY id";
            String specialRows = "SELECT id, ts::text, tstz::text, d::text, n::text FROM special ORDER BY id";
            List<String> expectedBig = rows("values_source", bigRows);
            List<String> expectedSpecial = rows("values_source", specialRows);
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                pipeline.throwIfFailed();
                assertThat(rows("values_warehouse", specialRows)).isEqualTo(expectedSpecial);
                assertThat(rows("values_warehouse", bigRows)).isEqualTo(expectedBig);
            });
            // numeric(p,s) NaN has no Decimal form: those rows are dead-lettered by ingest with the reason, the rest lands
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertThat(rows("values_warehouse", "SELECT id, price::text FROM fixed ORDER BY id"))
                            .containsExactly("1|1.50", "4|2.25"));
            assertThat(ingestDeadLetters()).containsExactlyInAnyOrder(
                    "The change to public.fixed with key id=2 holds NaN in numeric(p,s) column price, which Kafka Connect's "
                            + "Decimal cannot carry; it is not replicated: declare the column numeric without precision "
                            + "(which carries NaN), then run sluice backfill --table public.fixed.",
                    "The change to public.fixed with key id=3 holds NaN in numeric(p,s) column price, which Kafka Connect's "
                            + "Decimal cannot carry; it is not replicated: declare the column numeric without precision "
                            + "(which carries NaN), then run sluice backfill --table public.fixed.");
            assertThat(expectedBig).hasSize(2);
            assertThat(expectedSpecial).contains("1|infinity|-infinity|infinity|NaN", "5|-infinity|infinity|-infinity|-Infinity");
        }
    }

    @Test
    void aChangeAboveTheLimitStopsIngestWithOneSentenceNamingTableKeyAndSetting() throws Exception {
        try (Connection c = infra.postgres.connect("values_limited"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE wide (id integer PRIMARY KEY, body text)");
        }
        SourceUrl source = infra.source("values_limited");
        IngestSettings settings = ReplicationPipeline.ingestSettings(ReplicationPipeline.Settings.of(
                        infra.kafka.bootstrapServers(), infra.registry.url(), source, List.of("public.wide"), List.of(),
                        work.resolve("limited")).withRecordSizeLimit(new RecordSizeLimit(MB)))
                .toBuilder().topicPrefix("limited").offsetsTopic("limited-offsets").slotName("sluice_limited").build();
        // a change topic from before, made with a smaller limit: ingest raises it to the setting's
        String topic = "limited.public.wide";
        try (Admin admin = infra.kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of("max.message.bytes", "1000"))))
                    .all().get(30, TimeUnit.SECONDS);
        }
        try (IngestService ingest = new IngestService(settings)) {
            ingest.start();
            try (Admin admin = infra.kafka.admin()) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                assertThat(admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                        .get("max.message.bytes").value()).isEqualTo(Long.toString(2L * MB));
            }
            try (Connection c = infra.postgres.connect("values_limited"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO wide VALUES (1, 'small')");
                s.execute(insertBig(7, 2 * MB).replace("big", "wide"));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> ingest.failure().isPresent());
            String sentence = ingest.failure().orElseThrow().getMessage();
            assertThat(sentence).matches("The change to public\\.wide with key id=7 is \\d+ bytes serialised, more than "
                    + "kafka\\.max\\.record\\.bytes \\(1048576 bytes\\); raise kafka\\.max\\.record\\.bytes "
                    + "\\(SLUICE_KAFKA_MAX_RECORD_BYTES, --max-record-bytes\\) above it and restart ingest\\.");
            assertThat(sentence.lines()).hasSize(1);
            // it stopped, rather than reading the change again and again
            assertThat(ingest.isRunning()).isFalse();
        }
    }

    private static List<String> ingestDeadLetters() {
        List<String> reasons = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition dlq = new TopicPartition(IngestDeadLetters.topic("sluice"), 0);
            consumer.assign(List.of(dlq));
            consumer.seekToBeginning(List.of(dlq));
            long end = consumer.endOffsets(List.of(dlq)).get(dlq);
            while (consumer.position(dlq) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> reasons.add(
                        new String(r.headers().lastHeader("sluice.errors.reason").value(), StandardCharsets.UTF_8)));
            }
        }
        return reasons;
    }

    /** {@code bytes} of text that does not compress (hex digests), so the records really are that large. */
    private static String insertBig(int id, int bytes) {
        return "INSERT INTO big SELECT " + id + ", string_agg(md5(i::text), '') FROM generate_series(1, " + bytes / 32 + ") i";
    }

    private static List<String> rows(String database, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = infra.postgres.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        } catch (SQLException e) {
            if (database.equals("values_warehouse")) {
                return List.of(e.getMessage()); // the tables are not there yet
            }
            throw e;
        }
        return rows;
    }
}
