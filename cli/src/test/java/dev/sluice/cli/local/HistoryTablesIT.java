package dev.sluice.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.cli.PipelineInfrastructure;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.dialect.duckdb.SharedDuckDb;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * History tables on the whole path (PostgreSQL -> Debezium -> Kafka -> Kafka Streams -> Connect -> DuckDB and
 * PostgreSQL): a source table with a trigger-written audit of every change gets inserts (some before capture starts,
 * so they arrive through the snapshot), updates, several changes of one row in one transaction, deletes, re-inserts
 * and a new column. Each warehouse's {@code accounts_history} then lists, per key and in {@code __version} order,
 * exactly the audit's changes; after the whole row topic is produced again in reverse order (a replay, late and
 * duplicate), the history is unchanged, row for row.
 */
class HistoryTablesIT {
    private static final String ROW_TOPIC = ReplicationPipeline.PIPELINE + ".public.accounts";
    private static final int KEYS = 12;

    @TempDir
    static Path work;

    private static PipelineInfrastructure infra;

    @BeforeAll
    static void start() {
        infra = PipelineInfrastructure.start("history_source", "history_warehouse");
    }

    @AfterAll
    static void stop() {
        infra.close();
    }

    @Test
    void historyEqualsTheSourceAuditAndSurvivesAReversedReplay() throws Exception {
        SourceUrl source = infra.source("history_source");
        WarehouseTarget duckdb = PipelineInfrastructure.duckDb(work.resolve("warehouse.duckdb")).withHistory(List.of("accounts"));
        WarehouseTarget postgres = infra.postgresWarehouse("history_warehouse").withHistory(List.of("accounts"));
        try (Connection c = infra.postgres.connect("history_source"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE accounts (id int PRIMARY KEY, name text NOT NULL, balance int NOT NULL)");
            s.execute("CREATE TABLE accounts_audit (seq bigserial PRIMARY KEY, op text NOT NULL, id int NOT NULL, name text,"
                    + " balance int, tier text)");
            s.execute(auditFunction("NULL"));
            s.execute("CREATE TRIGGER accounts_audit AFTER INSERT OR UPDATE OR DELETE ON accounts FOR EACH ROW"
                    + " EXECUTE FUNCTION audit_accounts()");
            for (int id = 1; id <= KEYS / 2; id++) { // these arrive through the initial snapshot
                s.execute("INSERT INTO accounts VALUES (" + id + ", 'n" + id + "', 0)");
            }
        }
        Map<Integer, List<List<Object>>> audit;
        Map<Integer, List<List<Object>>> beforeReplay;
        try (ReplicationPipeline pipeline = ReplicationPipeline.start(ReplicationPipeline.Settings.of(
                infra.kafka.bootstrapServers(), infra.registry.url(), source, List.of("public.accounts"),
                List.of(duckdb, postgres), work.resolve("state")))) {
            try (Connection c = infra.postgres.connect("history_source")) {
                change(c, new Random(7), 120, false);
                try (Statement s = c.createStatement()) { // a new column mid-stream: the history table gets it too
                    s.execute("ALTER TABLE accounts ADD COLUMN tier text");
                    s.execute(auditFunction("NEW.tier"));
                }
                change(c, new Random(8), 120, true);
                audit = audit(c);
            }
            assertThat(pipeline.awaitDrained(Duration.ofMinutes(3))).as("both warehouses caught up with the source").isTrue();
            assertThat(versions(duckdb)).isEqualTo(audit);
            assertThat(versions(postgres)).isEqualTo(audit);
            assertThat(audit.values().stream().flatMap(List::stream).filter(v -> v.get(0).equals(true)).count())
                    .as("deletes in the audit").isGreaterThan(5);
            beforeReplay = history(postgres);
            assertThat(history(duckdb)).isEqualTo(beforeReplay);
            assertCurrentRowsAreTheSourceRows(postgres);
            assertCurrentRowsAreTheSourceRows(duckdb);
            assertAsOfQueryIsBoundedByTheFrontier(postgres);
            assertAsOfQueryIsBoundedByTheFrontier(duckdb);

            long end = replayReversed();
            System.out.printf("audit: %d changes of %d keys, %d deletes; history rows: %d; row topic end after the replay: %d%n",
                    audit.values().stream().mapToInt(List::size).sum(), audit.size(),
                    audit.values().stream().flatMap(List::stream).filter(v -> v.get(0).equals(true)).count(),
                    beforeReplay.values().stream().mapToInt(List::size).sum(), end);
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> consumedUpTo(postgres) >= end && consumedUpTo(duckdb) >= end);
            assertThat(history(postgres)).as("PostgreSQL history after the replay").isEqualTo(beforeReplay);
        }
        assertThat(history(duckdb)).as("DuckDB history after the replay").isEqualTo(beforeReplay);
    }

    private static String auditFunction(String tier) {
        return "CREATE OR REPLACE FUNCTION audit_accounts() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF TG_OP = 'DELETE' THEN INSERT INTO accounts_audit (op, id) VALUES ('D', OLD.id); RETURN OLD;"
                + " ELSE INSERT INTO accounts_audit (op, id, name, balance, tier) VALUES (left(TG_OP, 1), NEW.id, NEW.name,"
                + " NEW.balance, " + tier + "); RETURN NEW; END IF; END $$";
    }

    /** Random changes: updates, deletes, re-inserts; every fifth a transaction changing one row two or three times. */
    private static void change(Connection c, Random random, int count, boolean withTier) throws SQLException {
        for (int i = 0; i < count; i++) {
            int id = 1 + random.nextInt(KEYS);
            String tier = withTier ? ", tier = 't" + random.nextInt(3) + "'" : "";
            boolean oneTransaction = i % 5 == 0;
            c.setAutoCommit(!oneTransaction);
            try (Statement s = c.createStatement()) {
                for (int step = 0; step < (oneTransaction ? 2 + random.nextInt(2) : 1); step++) {
                    boolean exists;
                    try (ResultSet rs = s.executeQuery("SELECT 1 FROM accounts WHERE id = " + id)) {
                        exists = rs.next();
                    }
                    if (!exists) {
                        s.execute("INSERT INTO accounts (id, name, balance) VALUES (" + id + ", 'r" + i + "', " + i + ")");
                    } else if (random.nextInt(6) == 0) {
                        s.execute("DELETE FROM accounts WHERE id = " + id);
                    } else {
                        s.execute("UPDATE accounts SET balance = balance + " + (1 + random.nextInt(100)) + ", name = 'u" + i
                                + "'" + tier + " WHERE id = " + id);
                    }
                }
            }
            if (oneTransaction) {
                c.commit();
            }
        }
        c.setAutoCommit(true);
    }

    /** Per key, in the order the source applied them: (deleted, name, balance, tier); a delete carries only its flag. */
    private static Map<Integer, List<List<Object>>> audit(Connection c) throws SQLException {
        Map<Integer, List<List<Object>>> audit = new TreeMap<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, op, name, balance, tier FROM accounts_audit ORDER BY id, seq")) {
            while (rs.next()) {
                boolean deleted = rs.getString(2).equals("D");
                audit.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>()).add(deleted ? Arrays.asList(true, null, null, null)
                        : Arrays.asList(false, rs.getString(3), rs.getInt(4), rs.getString(5)));
            }
        }
        return audit;
    }

    /** The same from a warehouse's history table, in __version order. */
    private static Map<Integer, List<List<Object>>> versions(WarehouseTarget warehouse) throws SQLException {
        Map<Integer, List<List<Object>>> versions = new TreeMap<>();
        query(warehouse, "SELECT id, is_deleted, name, balance, tier FROM accounts_history ORDER BY id, __version", rs -> {
            boolean deleted = rs.getBoolean(2);
            versions.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>()).add(deleted ? Arrays.asList(true, null, null, null)
                    : Arrays.asList(false, rs.getString(3), rs.getInt(4), rs.getString(5)));
        });
        return versions;
    }

    /** Every column of the history, intervals included, per key in __version order. */
    private static Map<Integer, List<List<Object>>> history(WarehouseTarget warehouse) throws SQLException {
        Map<Integer, List<List<Object>>> rows = new TreeMap<>();
        query(warehouse, "SELECT id, __version, name, balance, tier, __source_ts, valid_from, valid_to, is_current, is_deleted"
                + " FROM accounts_history ORDER BY id, __version", rs -> rows.computeIfAbsent(rs.getInt(1), k -> new ArrayList<>())
                .add(Arrays.asList(rs.getLong(2), rs.getString(3), rs.getObject(4) == null ? null : rs.getInt(4), rs.getString(5),
                        rs.getObject(6, Long.class), rs.getObject(7, Long.class), rs.getObject(8, Long.class), rs.getBoolean(9),
                        rs.getBoolean(10))));
        return rows;
    }

    private static void assertCurrentRowsAreTheSourceRows(WarehouseTarget warehouse) throws SQLException {
        List<List<Object>> current = new ArrayList<>();
        query(warehouse, "SELECT id, name, balance, tier FROM accounts_history WHERE is_current ORDER BY id",
                rs -> current.add(Arrays.asList(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getString(4))));
        assertThat(current).as("current history rows of " + warehouse.jdbcUrl()).isEqualTo(sourceRows()).isNotEmpty();
    }

    private static List<List<Object>> sourceRows() throws SQLException {
        List<List<Object>> live = new ArrayList<>();
        try (Connection c = infra.postgres.connect("history_source"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, name, balance, tier FROM accounts ORDER BY id")) {
            while (rs.next()) {
                live.add(Arrays.asList(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getString(4)));
            }
        }
        return live;
    }

    /**
     * docs/history.md's "as of T" query: just below the completeness frontier (once it has passed the newest version) it
     * gives the source's rows; beyond the frontier it gives nothing, since a change may still be on its way.
     */
    private static void assertAsOfQueryIsBoundedByTheFrontier(WarehouseTarget warehouse) throws SQLException {
        long newest = single(warehouse, "SELECT max(__source_ts) FROM accounts_history");
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                .until(() -> single(warehouse, "SELECT complete_ts FROM _sluice_progress WHERE table_name = 'accounts'") > newest);
        long complete = single(warehouse, "SELECT complete_ts FROM _sluice_progress WHERE table_name = 'accounts'");
        assertThat(asOf(warehouse, complete - 1)).as("as of just below the frontier").isEqualTo(sourceRows()).isNotEmpty();
        // the frontier moves on with every heartbeat (each second): an hour beyond it is beyond it still
        assertThat(asOf(warehouse, complete + 3_600_000)).as("as of beyond the frontier").isEmpty();
    }

    private static List<List<Object>> asOf(WarehouseTarget warehouse, long t) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        query(warehouse, "SELECT h.id, h.name, h.balance, h.tier FROM accounts_history AS h"
                + " WHERE h.valid_from <= " + t + " AND (h.valid_to IS NULL OR " + t + " < h.valid_to) AND NOT h.is_deleted"
                + " AND " + t + " < (SELECT complete_ts FROM _sluice_progress WHERE table_name = 'accounts') ORDER BY h.id",
                rs -> rows.add(Arrays.asList(rs.getInt(1), rs.getString(2), rs.getInt(3), rs.getString(4))));
        return rows;
    }

    private static long single(WarehouseTarget warehouse, String sql) throws SQLException {
        long[] value = {Long.MIN_VALUE};
        query(warehouse, sql, rs -> value[0] = rs.getObject(1) == null ? Long.MIN_VALUE : rs.getLong(1));
        return value[0];
    }

    /** Produces every record of the row topic again, newest first; returns the topic's new end offset. */
    private static long replayReversed() {
        TopicPartition partition = new TopicPartition(ROW_TOPIC, 0);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        Collections.reverse(records);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ConsumerRecord<byte[], byte[]> r : records) {
                producer.send(new ProducerRecord<>(ROW_TOPIC, 0, r.timestamp(), r.key(), r.value(), r.headers()));
            }
            producer.flush();
        }
        assertThat(records).as("row topic records").hasSizeGreaterThan(240);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            return consumer.endOffsets(List.of(partition)).get(partition);
        }
    }

    /** The next offset of the row topic the warehouse has stored. */
    private static long consumedUpTo(WarehouseTarget warehouse) throws SQLException {
        long[] next = {-1};
        query(warehouse, "SELECT max(next_offset) FROM _sluice_offsets WHERE topic = '" + ROW_TOPIC + "'",
                rs -> next[0] = rs.getLong(1));
        return next[0];
    }

    private interface RowReader {
        void read(ResultSet rs) throws SQLException;
    }

    /** Reads a warehouse; DuckDB through the sink's own shared database (one process, one writer per file). */
    private static void query(WarehouseTarget warehouse, String sql, RowReader reader) throws SQLException {
        if (warehouse.isDuckDb()) {
            try (WarehouseConnection w = SharedDuckDb.acquire(warehouse.jdbcUrl())) {
                read(w.jdbc(), sql, reader);
            }
        } else {
            try (Connection c = warehouse.open()) {
                read(c, sql, reader);
            }
        }
    }

    private static void read(Connection c, String sql, RowReader reader) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                reader.read(rs);
            }
        }
    }
}
