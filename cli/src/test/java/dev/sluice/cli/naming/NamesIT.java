package dev.sluice.cli.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.cli.PipelineInfrastructure;
import dev.sluice.cli.dlq.DeadLetter;
import dev.sluice.cli.local.ReplicationPipeline;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.reconcile.Reconciler;
import dev.sluice.cli.reconcile.TableComparison;
import dev.sluice.ingest.source.TableId;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Awkward names through the whole replication path (ingest, transforms, sink, reconcile), into a PostgreSQL warehouse
 * with the default table.name.format {@code ${table}} and a DuckDB warehouse with {@code ${schema}_${table}}:
 * public.users and audit.users never share a table (PostgreSQL: the second to arrive is dead-lettered with the fix;
 * DuckDB: two tables); a table whose name holds a quote and Unicode (with columns named {@code select} and
 * {@code Größe "cm"}) and one named by a reserved word are loaded (Debezium incremental snapshot, through the backfill
 * signal), streamed and reconciled; a text value equal to Debezium's default unavailable-value placeholder arrives as
 * written, and a TOASTed value an update did not touch is kept. Names Debezium cannot load (a blank, a dot, a double
 * quote) are refused before anything starts, with the sentence.
 */
class NamesIT {
    private static final String SOURCE = "names_source";
    private static final String QUOTED = "Zählung's";
    private static final String RESERVED = "order";
    private static final String OLD_PLACEHOLDER = "__debezium_unavailable_value";

    @TempDir
    static Path work;

    private static PipelineInfrastructure infra;

    @BeforeAll
    static void start() {
        infra = PipelineInfrastructure.start(SOURCE, "names_warehouse");
    }

    @AfterAll
    static void stop() {
        infra.close();
    }

    @Test
    void awkwardNamesReplicateAndReconcileAndSameNamedTablesNeverMix() throws Exception {
        sql("CREATE SCHEMA audit",
                "CREATE TABLE public.users (id int PRIMARY KEY, name text NOT NULL)",
                "CREATE TABLE audit.users (id int PRIMARY KEY, name text NOT NULL)",
                "INSERT INTO public.users VALUES (1, 'ada'), (2, 'bob')",
                "INSERT INTO audit.users VALUES (1, 'login ada'), (2, 'login bob'), (3, 'logout ada')",
                "CREATE TABLE public.\"Zählung's\" (id int PRIMARY KEY, \"select\" text, \"Größe \"\"cm\"\"\" int,"
                        + " note text, body text)",
                "INSERT INTO public.\"Zählung's\" VALUES (1, 'a', 10, '" + OLD_PLACEHOLDER + "',"
                        + " (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 400) g)), (2, 'b', 20, 'x', 'small')",
                "CREATE TABLE public.\"order\" (id int PRIMARY KEY, \"group\" text)",
                "INSERT INTO public.\"order\" VALUES (1, 'one'), (2, 'two')");
        List<String> tables = List.of("public.users", "audit.users", "public." + QUOTED, "public." + RESERVED);
        WarehouseTarget postgres = infra.postgresWarehouse("names_warehouse");
        WarehouseTarget duckDb = PipelineInfrastructure.duckDb(work.resolve("names.duckdb"))
                .withTableNameFormat("${schema}_${table}");

        try (ReplicationPipeline pipeline = ReplicationPipeline.start(ReplicationPipeline.Settings.of(
                infra.kafka.bootstrapServers(), infra.registry.url(), infra.source(SOURCE), tables,
                List.of(postgres, duckDb), work.resolve("state")))) {
            // the updates follow the rows' initial-load reads: an update racing its row's read is the known gap in
            // docs/sink-connectors.md (Unchanged TOASTed columns), not what this test is about
            await().atMost(Duration.ofSeconds(60)).until(() -> pipeline.initialLoad().complete());
            sql("UPDATE public.\"Zählung's\" SET \"select\" = 'a2' WHERE id = 1", // body TOASTed, untouched
                    "UPDATE public.\"Zählung's\" SET note = '" + OLD_PLACEHOLDER + "' WHERE id = 2",
                    "INSERT INTO public.\"Zählung's\" VALUES (3, 'c', 30, '" + OLD_PLACEHOLDER + "', 'new')",
                    "INSERT INTO public.users VALUES (3, 'cy')",
                    "INSERT INTO audit.users VALUES (4, 'login cy')",
                    "INSERT INTO public.\"order\" VALUES (3, 'three')");
            assertThat(pipeline.awaitDrained(Duration.ofSeconds(60))).as("drained").isTrue();
            pipeline.throwIfFailed();

            // PostgreSQL, ${table}: one of the two users tables holds "users", the other is refused, never mixed
            String holder = query(postgres, "SELECT topic FROM \"_sluice_tables\" WHERE table_name = 'users'");
            String held = holder.endsWith(".public.users") ? "public.users" : "audit.users";
            String refused = held.equals("public.users") ? "audit.users" : "public.users";
            List<TableComparison> results = reconcile(postgres, tables);
            results.stream().filter(r -> !r.table().equals(refused))
                    .forEach(r -> assertThat(r.matches()).as(r.line()).isTrue());
            String refusedTopic = "replica." + refused;
            List<DeadLetter> letters = deadLetters(refused.equals("public.users") ? 3 : 4);
            assertThat(letters).as("the refused table's records, and only those, are dead-lettered").isNotEmpty()
                    .allSatisfy(l -> assertThat(l.sourceTopic()).isEqualTo(refusedTopic));
            assertThat(letters.get(0).reason()).isEqualTo("Topic " + refusedTopic + " (source table " + refused
                    + ") maps to warehouse table users, which already holds the rows of topic replica." + held
                    + " (source table " + held + "), so its records go to the dead-letter topic instead of mixing with"
                    + " them; set the sink's table.name.format (--table-name-format) to ${schema}_${table} so each source"
                    + " table gets its own.");

            valuesKept(postgres);
        }
        // DuckDB (read once the sink let go of the file), ${schema}_${table}: every table its own, all equal
        assertThat(reconcile(duckDb, tables)).allSatisfy(r -> assertThat(r.matches()).as(r.line()).isTrue());
        assertThat(tablesOf(duckDb)).contains("public_users", "audit_users", "public_" + QUOTED, "public_" + RESERVED);
        valuesKept(duckDb);
    }

    /** A user's text equal to Debezium's default placeholder is data; an untouched TOASTed value is kept. */
    private static void valuesKept(WarehouseTarget w) throws SQLException {
        String table = w.tableFor(new TableId("public", QUOTED)).replace("\"", "\"\"");
        assertThat(query(w, "SELECT count(*) FROM \"" + table + "\" WHERE note = '" + OLD_PLACEHOLDER + "'")).isEqualTo("3");
        assertThat(query(w, "SELECT length(body) FROM \"" + table + "\" WHERE id = 1")).isEqualTo("12800");
    }

    @Test
    void tablesDebeziumCannotLoadAreRefusedBeforeAnythingStarts() throws Exception {
        sql("CREATE TABLE public.\"say \"\"hi\"\"\" (id int PRIMARY KEY)",
                "CREATE TABLE public.\"order items.v2\" (id int PRIMARY KEY)");
        assertThatThrownBy(() -> start("public.say \"hi\"")).hasMessage("Table public.say \"hi\" has a blank in its"
                + " name, which Debezium's incremental snapshots (its initial load and every backfill) cannot read; rename"
                + " it (ALTER TABLE ... RENAME TO ...) or leave it out of --tables.");
        sql("ALTER TABLE public.\"say \"\"hi\"\"\" RENAME TO \"say\"\"hi\"\"\"");
        assertThatThrownBy(() -> start("public.say\"hi\"")).hasMessageStartingWith("Table public.say\"hi\" has a double"
                + " quote in its name");
        assertThatThrownBy(() -> start("public.order items.v2")).hasMessageStartingWith("Table public.order items.v2 has"
                + " a blank in its name");
    }

    private static ReplicationPipeline start(String table) {
        return ReplicationPipeline.start(ReplicationPipeline.Settings.of(infra.kafka.bootstrapServers(),
                infra.registry.url(), infra.source(SOURCE), List.of(table), List.of(infra.postgresWarehouse("names_warehouse")),
                work.resolve("refused")));
    }

    private static List<TableComparison> reconcile(WarehouseTarget warehouse, List<String> tables) throws SQLException {
        var source = infra.source(SOURCE);
        List<TableComparison> results = new Reconciler(source.jdbcUrl(), source.user(), source.password(),
                warehouse.jdbcUrl(), warehouse.user(), warehouse.password(), warehouse::tableFor).compare(tables);
        results.forEach(r -> System.out.println(warehouse.jdbcUrl().substring(0, 12) + " " + r.line()));
        return results;
    }

    /** Waits for {@code expected} dead letters of the sinks and returns those there are then. */
    private static List<DeadLetter> deadLetters(int expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.GROUP_ID_CONFIG, "names-it");
        List<DeadLetter> letters = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(SinkConnectorConfig.DEAD_LETTER_TOPIC));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    letters.add(DeadLetter.of(r));
                }
                return letters.size() >= expected;
            });
        }
        return letters;
    }

    private static List<String> tablesOf(WarehouseTarget warehouse) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Connection c = open(warehouse); ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }

    private static String query(WarehouseTarget warehouse, String sql) throws SQLException {
        try (Connection c = open(warehouse); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private static Connection open(WarehouseTarget warehouse) throws SQLException {
        Properties props = new Properties();
        if (warehouse.user() != null) {
            props.setProperty("user", warehouse.user());
            props.setProperty("password", warehouse.password());
        }
        return DriverManager.getConnection(warehouse.jdbcUrl(), props);
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = infra.postgres.connect(SOURCE); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
