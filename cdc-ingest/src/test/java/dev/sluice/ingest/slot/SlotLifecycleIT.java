package dev.sluice.ingest.slot;

import dev.sluice.ingest.IngestInfrastructure;
import dev.sluice.ingest.IngestService;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.source.SourceSetupException;
import dev.sluice.schemas.connect.AvroConverter;
import io.micrometer.core.instrument.Gauge;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The replication slot over an ingest service's life, on a real PostgreSQL and KRaft broker: the
 * slot does not pin WAL while only tables we do not capture are busy (heartbeat action query), the
 * lag gauge reports it, a second service on a slot in use is refused, and a table added to the
 * list is published, backfilled and streamed.
 */
class SlotLifecycleIT {

    private static final int MB = 1024 * 1024;

    private static IngestInfrastructure infra;

    @BeforeAll
    static void startInfrastructure() {
        infra = IngestInfrastructure.start();
    }

    @AfterAll
    static void stopInfrastructure() {
        IngestInfrastructure.stop(infra);
    }

    private static IngestSettings.Builder settings(String database) {
        return IngestSettings.builder()
                .sourceHost(infra.postgres.host()).sourcePort(infra.postgres.port()).database(database)
                .user(infra.postgres.user()).password(infra.postgres.password())
                .topicPrefix(database).slotName(database + "_slot").publicationName(database + "_pub")
                .bootstrapServers(infra.kafka.bootstrapServers()).schemaRegistryUrl(infra.registry.url())
                .offsetFlushInterval(Duration.ofMillis(200))
                .heartbeatInterval(Duration.ofMillis(500))
                .slotLagCheckInterval(Duration.ofMillis(250));
    }

    @Test
    void aSourceBusyOnlyOnOtherTablesDoesNotPinWal() throws Exception {
        infra.postgres.createDatabase("idle");
        sql("idle", "CREATE TABLE public.quiet (id int PRIMARY KEY)",
                "CREATE TABLE public.noise (id bigserial PRIMARY KEY, payload text NOT NULL)",
                "ALTER TABLE public.noise ALTER COLUMN payload SET STORAGE PLAIN");
        IngestSettings settings = settings("idle").tables("public.quiet").slotLagWarningBytes(4L * MB).build();
        try (IngestService ingest = new IngestService(settings)) {
            ingest.start();
            Gauge lag = infra.meters.find(SlotLagMonitor.SLOT_LAG).tag("slot", "idle_slot").gauge();
            assertThat(lag).as("the slot lag gauge").isNotNull();
            await().atMost(Duration.ofSeconds(60)).until(() -> lag.value() >= 0);

            long walStart = walLsn();
            List<Long> lagDuringLoad = new ArrayList<>();
            try (Connection c = infra.postgres.connect("idle"); Statement s = c.createStatement()) {
                // about 48 MB of WAL, all of it for a table we do not capture
                for (int i = 0; i < 48; i++) {
                    s.execute("INSERT INTO public.noise (payload) SELECT repeat(md5(g::text), 30) FROM generate_series(1, 1000) g");
                    lagDuringLoad.add((long) lag.value());
                }
            }
            long walWritten = walLsn() - walStart;
            System.out.printf("WAL written: %d bytes; lag during the load (bytes): %s%n", walWritten, lagDuringLoad);
            assertThat(walWritten).isGreaterThan(40L * MB);
            assertThat(lagDuringLoad.stream().mapToLong(Long::longValue).max().orElseThrow())
                    .as("the gauge saw the WAL pile up during the load").isGreaterThan(MB);

            // the heartbeat writes to a captured table, its offset is committed and flushed to the slot
            List<Long> lagAfter = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                lagAfter.add(slotLag("idle_slot"));
                return lagAfter.get(lagAfter.size() - 1) < 2L * MB && lag.value() < 2L * MB;
            });
            System.out.printf("lag after the load (bytes): %s%n", lagAfter);
            assertThat(ingest.slotLag().orElseThrow().lagBytes()).isLessThan(2L * MB);
        }
    }

    @Test
    void aSecondServiceOnASlotInUseIsRefused() throws Exception {
        infra.postgres.createDatabase("busy");
        sql("busy", "CREATE TABLE public.orders (id int PRIMARY KEY)");
        IngestSettings settings = settings("busy").tables("public.orders").build();
        try (IngestService first = new IngestService(settings)) {
            first.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> activePid("busy_slot") != null);
            assertThatThrownBy(() -> new IngestService(settings.toBuilder().topicPrefix("busy2").build()).start())
                    .isInstanceOf(SourceSetupException.class)
                    .hasMessageMatching("Replication slot busy_slot is in use by another process, PostgreSQL backend pid \\d+"
                            + " \\(.*\\); stop the ingest service reading it, or choose another slot name with --slot\\.");
        }
    }

    @Test
    void aTableAddedToTheListIsPublishedBackfilledAndStreamed() throws Exception {
        infra.postgres.createDatabase("grow");
        sql("grow", "CREATE TABLE public.first (id int PRIMARY KEY)",
                "CREATE TABLE public.second (id int PRIMARY KEY, note text)",
                "INSERT INTO public.second VALUES (1, 'before'), (2, 'before')");
        IngestSettings one = settings("grow").tables("public.first").build();
        try (IngestService ingest = new IngestService(one)) {
            ingest.start();
        }
        assertThat(publishedTables("grow", "grow_pub")).contains("public.first").doesNotContain("public.second");
        sql("grow", "INSERT INTO public.second VALUES (3, 'while stopped')");

        try (IngestService ingest = new IngestService(one.toBuilder().tables("public.first", "public.second").build())) {
            ingest.start();
            assertThat(publishedTables("grow", "grow_pub")).contains("public.first", "public.second");
            sql("grow", "INSERT INTO public.second VALUES (4, 'after')", "UPDATE public.second SET note = 'updated' WHERE id = 1");

            Map<Integer, String> rows = new HashMap<>();
            try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                consumer.subscribe(List.of("grow.public.second"));
                AvroConverter values = new AvroConverter();
                values.configure(Map.of("schema.registry.url", infra.registry.url()), false);
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        if (r.value() == null) {
                            continue; // a source heartbeat
                        }
                        Struct after = ((Struct) values.toConnectData(r.topic(), r.value()).value()).getStruct("after");
                        rows.merge(after.getInt32("id"), after.getString("note"), (old, now) -> now);
                    }
                    return rows.size() == 4 && "updated".equals(rows.get(1));
                });
            }
            assertThat(rows).containsEntry(2, "before").containsEntry(3, "while stopped").containsEntry(4, "after");
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "slot-it", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<String> publishedTables(String database, String publication) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Connection c = infra.postgres.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = '"
                     + publication + "'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private static long walLsn() throws SQLException {
        return queryLong("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
    }

    private static long slotLag(String slot) throws SQLException {
        return queryLong("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint FROM pg_replication_slots"
                + " WHERE slot_name = '" + slot + "'");
    }

    private static Integer activePid(String slot) throws SQLException {
        try (Connection c = infra.postgres.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT active_pid FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            return rs.next() ? (Integer) rs.getObject(1) : null;
        }
    }

    private static long queryLong(String query) throws SQLException {
        try (Connection c = infra.postgres.connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
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
