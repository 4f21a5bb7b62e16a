package dev.sluice.ingest;

import dev.sluice.ingest.ChangeTopicReader.Change;
import dev.sluice.ingest.publish.IngestMetrics;
import dev.sluice.ingest.source.TableId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The ingest service against a real PostgreSQL, a real KRaft broker and the embedded registry:
 * snapshot, streaming changes, and resuming from stored offsets after a stop.
 */
class IngestServiceIT {

    private static IngestInfrastructure infra;

    @BeforeAll
    static void startInfrastructure() {
        infra = IngestInfrastructure.start();
    }

    @AfterAll
    static void stopInfrastructure() {
        IngestInfrastructure.stop(infra);
    }

    /** A database of its own per test (and slot, prefix), so the tests do not see each other. */
    private static IngestSettings shopDatabase(String name) throws SQLException {
        infra.postgres.createDatabase(name);
        sql(name,
                """
                CREATE TABLE public.order_lines (
                    order_id  integer       NOT NULL,
                    line_no   integer       NOT NULL,
                    amount    numeric(12,2) NOT NULL,
                    placed_at timestamptz   NOT NULL,
                    note      text,
                    gift      boolean       NOT NULL,
                    PRIMARY KEY (order_id, line_no))""",
                "CREATE TABLE public.customers (id integer PRIMARY KEY, name text NOT NULL)",
                """
                INSERT INTO public.order_lines VALUES
                    (1, 1, 12.50, '2026-01-02 03:04:05.123456+00', 'first', false),
                    (1, 2, 1234567890.99, '2026-01-02 03:04:06+00', NULL, true)""",
                "INSERT INTO public.customers VALUES (7, 'Ada')");
        return IngestSettings.builder()
                .sourceHost(infra.postgres.host()).sourcePort(infra.postgres.port()).database(name)
                .user(infra.postgres.user()).password(infra.postgres.password())
                .tables("public.order_lines", "public.customers")
                .topicPrefix(name).slotName(name + "_slot").publicationName(name + "_pub")
                .bootstrapServers(infra.kafka.bootstrapServers()).schemaRegistryUrl(infra.registry.url())
                .offsetFlushInterval(Duration.ofMillis(200))
                .heartbeatInterval(Duration.ofMillis(300))
                .build();
    }

    @Test
    void snapshotThenInsertUpdateDeleteArriveKeyedAndTimestampedByCommit() throws Exception {
        IngestSettings settings = shopDatabase("live");
        String lines = "live.public.order_lines";
        try (IngestService service = new IngestService(settings);
             ChangeTopicReader reader = new ChangeTopicReader(infra.kafka.bootstrapServers(), infra.registry.url(), lines, 0)) {
            assertThat(service.start().captured())
                    .containsExactly(new TableId("public", "order_lines"), new TableId("public", "customers"));

            List<Change> snapshot = reader.readAtLeast(2);
            assertThat(snapshot).extracting(Change::op).containsExactly("r", "r");
            assertThat(snapshot).extracting(c -> c.keyField("order_id") + "/" + c.keyField("line_no"))
                    .containsExactly("1/1", "1/2");
            Struct first = snapshot.get(0).valueStruct().getStruct("after");
            assertThat(first.get("amount")).isEqualTo(new BigDecimal("12.50"));
            assertThat(first.getString("note")).isEqualTo("first");
            assertThat(first.getBoolean("gift")).isFalse();
            assertThat(first.getString("placed_at")).isEqualTo("2026-01-02T03:04:05.123456Z");
            assertThat(snapshot.get(1).valueStruct().getStruct("after").get("amount"))
                    .isEqualTo(new BigDecimal("1234567890.99"));
            assertThat(snapshot.get(0).rawValue()[0]).as("Schema Registry magic byte").isZero();

            String walBeforeChanges = walPosition("live");
            sql("live",
                    "INSERT INTO public.order_lines VALUES (2, 1, 5.00, now(), 'gift wrap', true)",
                    "UPDATE public.order_lines SET amount = 13.75 WHERE order_id = 1 AND line_no = 1",
                    "DELETE FROM public.order_lines WHERE order_id = 1 AND line_no = 2");

            List<Change> all = reader.readAtLeast(5);
            List<Change> changes = all.subList(2, all.size());
            assertThat(changes).extracting(Change::op).containsExactly("c", "u", "d");
            assertThat(changes).extracting(c -> c.keyField("order_id") + "/" + c.keyField("line_no"))
                    .containsExactly("2/1", "1/1", "1/2");
            assertThat(all).allSatisfy(c -> assertThat(c.timestamp()).isEqualTo(c.sourceTsMs()));
            assertThat(changes.get(1).valueStruct().getStruct("after").get("amount")).isEqualTo(new BigDecimal("13.75"));
            assertThat(changes.get(2).valueStruct().get("after")).isNull();
            // transaction metadata is on (commits follow source transactions): the block is filled
            assertThat(changes.get(0).valueStruct().getStruct("transaction")).isNotNull();

            try (ChangeTopicReader customers = new ChangeTopicReader(infra.kafka.bootstrapServers(), infra.registry.url(),
                    "live.public.customers", 0)) {
                assertThat(customers.readAtLeast(1).get(0).keyField("id")).isEqualTo(7);
            }
            assertThat(countedChanges("public.order_lines")).isGreaterThanOrEqualTo(5);
            assertThat(Metrics.globalRegistry.find(IngestMetrics.LATENCY).timer().count()).isGreaterThanOrEqualTo(6);
            // snapshot, then at least one transaction per source transaction batch
            assertThat(Metrics.globalRegistry.find(IngestMetrics.TRANSACTIONS_COMMITTED).counter().count()).isGreaterThanOrEqualTo(2);
            // heartbeats (every 300 ms) reached the consumer too: publishing one would have failed the
            // engine, since the test broker does not auto-create their topic
            assertThat(service.failure()).isEmpty();
            assertThat(service.isRunning()).isTrue();
            // once the changes are committed in Kafka, the slot releases their WAL
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                    .until(() -> slotConfirmedPast("live", "live_slot", walBeforeChanges));
        }
    }

    private static String walPosition(String database) throws SQLException {
        try (Connection c = infra.postgres.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static boolean slotConfirmedPast(String database, String slot, String lsn) throws SQLException {
        try (Connection c = infra.postgres.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT confirmed_flush_lsn > '" + lsn + "'::pg_lsn FROM pg_replication_slots"
                     + " WHERE slot_name = '" + slot + "'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    @Test
    void restartResumesFromStoredOffsetsWithoutASecondSnapshot() throws Exception {
        IngestSettings settings = shopDatabase("resume");
        String lines = "resume.public.order_lines";
        try (IngestService service = new IngestService(settings);
             ChangeTopicReader reader = new ChangeTopicReader(infra.kafka.bootstrapServers(), infra.registry.url(), lines, 0)) {
            service.start();
            // the initial load reads in chunks while changes stream: a row inserted before its chunk is read comes twice
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100)).until(() -> service.initialLoad().complete());
            sql("resume", "INSERT INTO public.order_lines VALUES (3, 1, 1.00, now(), NULL, false)");
            assertThat(reader.readAtLeast(3)).extracting(Change::op).containsExactly("r", "r", "c");
        }
        assertOffsetsTopicIsCompacted(settings.offsetsTopic());
        long endOfFirstRun = endOffset(lines);

        // changes while ingestion is down: only the slot keeps them
        sql("resume",
                "INSERT INTO public.order_lines VALUES (4, 1, 2.00, now(), 'while down', false)",
                "UPDATE public.order_lines SET note = 'changed' WHERE order_id = 3 AND line_no = 1",
                "DELETE FROM public.order_lines WHERE order_id = 1 AND line_no = 1");

        try (IngestService restarted = new IngestService(settings);
             ChangeTopicReader reader = new ChangeTopicReader(infra.kafka.bootstrapServers(), infra.registry.url(), lines, endOfFirstRun)) {
            restarted.start();
            Set<String> expected = Set.of("c 4/1", "u 3/1", "d 1/1");
            List<Change> second = reader.readUntil(list -> summaries(list).containsAll(expected));
            // exactly once: nothing of the first run repeats, nothing is missing, in source order
            assertThat(second).extracting(c -> c.op() + " " + c.keyField("order_id") + "/" + c.keyField("line_no"))
                    .containsExactly("c 4/1", "u 3/1", "d 1/1");
        }
    }

    private static Set<String> summaries(List<Change> changes) {
        return changes.stream()
                .map(c -> c.op() + " " + c.keyField("order_id") + "/" + c.keyField("line_no"))
                .collect(Collectors.toSet());
    }

    private static double countedChanges(String table) {
        return Metrics.globalRegistry.find(IngestMetrics.CHANGES).tag("table", table).counters().stream()
                .mapToDouble(Counter::count).sum();
    }

    private static long endOffset(String topic) throws Exception {
        try (Admin admin = infra.kafka.admin()) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition).get().offset();
        }
    }

    private static void assertOffsetsTopicIsCompacted(String topic) throws Exception {
        try (Admin admin = infra.kafka.admin()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            ConfigEntry policy = admin.describeConfigs(List.of(resource)).all().get().get(resource).get("cleanup.policy");
            assertThat(policy.value()).isEqualTo("compact");
        }
    }

    private static void sql(String database, String... statements) throws SQLException {
        try (Connection c = infra.postgres.connect(database); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
