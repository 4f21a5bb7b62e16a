package dev.sluice.cli.rebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.cli.PipelineInfrastructure;
import dev.sluice.cli.SluiceCommand;
import dev.sluice.cli.local.ReplicationPipeline;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.replay.StreamsApplication;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.cli.spec.UserSpecs;
import dev.sluice.ingest.source.TableId;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.runtime.TransformConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice rebuild} and {@code sluice replay} against the real replication pipeline (KRaft broker, PostgreSQL
 * source, PostgreSQL warehouse): a rebuild into shadow tables while the live tables serve, its promotion under a
 * reader that queries throughout, the rebuild's sink going on into the live table, rollback, a promotion refused
 * while the shadow is behind, abort (the rebuilt table equals the live one); two rebuilds of one spec equal row for
 * row; then a replay of the stopped pipeline; last, a rebuild from a change topic retention emptied, complete
 * because it backfills the table first.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RebuildIT {

    private static final Duration WAIT = Duration.ofSeconds(45);

    @TempDir
    static Path work;

    private static PipelineInfrastructure infra;
    private static SourceUrl source;
    private static WarehouseTarget warehouse;
    private static ReplicationPipeline pipeline;
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        infra = PipelineInfrastructure.start("rebuild_source", "rebuild_warehouse");
        source = infra.source("rebuild_source");
        // the live sink keeps orders' history: a rebuild keeps its own, swapped along with the table
        warehouse = infra.postgresWarehouse("rebuild_warehouse").withHistory(List.of("orders"));
        source("CREATE TABLE public.orders (id bigint PRIMARY KEY, amount int NOT NULL, note text)",
                "INSERT INTO public.orders SELECT g, g * 10, 'order ' || g FROM generate_series(1, 40) g");
        pipeline = ReplicationPipeline.start(settings());
        source("UPDATE public.orders SET amount = amount + 1 WHERE id % 3 = 0", "DELETE FROM public.orders WHERE id = 7",
                "INSERT INTO public.orders VALUES (41, 410, NULL)");
        assertThat(pipeline.awaitDrained(WAIT)).as("live replication drained").isTrue();
        admin = Admin.create(Map.of("bootstrap.servers", infra.kafka.bootstrapServers()));
    }

    private static ReplicationPipeline.Settings settings() {
        return ReplicationPipeline.Settings.of(infra.kafka.bootstrapServers(), infra.registry.url(), source,
                List.of("public.orders"), List.of(warehouse), work.resolve("live"));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
        infra.close();
    }

    @Test
    @Order(1)
    void rebuildsIntoShadowTablesPromotesUnderAReaderRollsBackAndAborts() throws Exception {
        assertThat(run("rebuild", "status", "v2")).isEqualTo("exit 2: sluice: There is no rebuild named 'v2' in this"
                + " warehouse; start one with sluice rebuild start --as v2.");
        try (ShadowRun ignored = startCommand("--replication", "--as", "v2")) {
            // while both run, each frontier moves with every heartbeat: the status that said caught up is checked
            String[] status = new String[1];
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> (status[0] = run("rebuild", "status", "v2",
                    "--sample", "0s")).contains("Caught up: ready to promote."));
            assertThat(status[0]).contains("Rebuild v2 of pipeline replica (replication): running")
                    .containsPattern("orders: shadow orders__v2 \\d+ rows, complete to version \\d+ .*; live orders \\d+ rows,"
                            + " complete to version \\d+ .*; caught up: yes\n");
            // sampled twice (the default): the rate and how fast the frontier moves (heartbeats every second)
            // (both frontiers move with every heartbeat, so the second reading may catch the shadow a heartbeat behind)
            assertThat(run("rebuild", "status", "v2")).containsPattern("caught up: (yes|no); \\d+ rows/s, frontier at"
                    + " \\d+\\.\\dx real time");
            assertThat(rows("orders__v2")).isEqualTo(rows("orders"));
            assertThat(run("rebuild", "promote", "v2")).isEqualTo("exit 2: sluice: The consumer group"
                    + " connect-sluice-warehouse still has 1 member(s); stop the sluice connect or sluice local that runs"
                    + " connector sluice-warehouse first, then run the command again.");
            // the order of docs/replay.md: stop the live sink, let the shadow pass its frozen frontier, stop the shadow
            pipeline.stopSink(SinkConnectorConfig.NAME);
            awaitNoMembers("connect-sluice-warehouse");
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).until(() -> run("rebuild", "status", "v2")
                    .contains("Caught up: ready to promote."));
            assertThat(run("rebuild", "promote", "v2")).isEqualTo("exit 2: sluice: The consumer group"
                    + " connect-sluice-warehouse__v2 still has 1 member(s); stop sluice rebuild start --as v2 first,"
                    + " then run the command again.");
        }
        awaitNoMembers("connect-sluice-warehouse__v2");

        List<String> liveBefore = rows("orders");
        List<String> liveHistory = historyRows("orders_history");
        List<String> shadowHistory = historyRows("orders__v2_history");
        assertThat(shadowHistory).as("the shadow's own history").hasSameSizeAs(liveHistory);
        try (SteadyReader reader = new SteadyReader(warehouse, "SELECT count(*) FROM orders", Duration.ZERO)) {
            await().atMost(WAIT).until(() -> reader.reads() > 20);
            String promoted = run("rebuild", "promote", "v2");
            long readsAtPromotion = reader.reads();
            await().atMost(WAIT).until(() -> reader.reads() > readsAtPromotion + 20);
            assertThat(promoted).startsWith("exit 0: Promoted rebuild v2: orders now hold the rebuilt rows");
            reader.close();
            assertThat(reader.errors()).as("reader errors across the swap").isEmpty();
        }
        assertThat(rows("orders")).isEqualTo(liveBefore);
        assertThat(rows("orders__previous")).isEqualTo(liveBefore);
        assertThat(historyRows("orders_history")).as("the history swapped along").isEqualTo(shadowHistory);
        assertThat(historyRows("orders__previous_history")).isEqualTo(liveHistory);
        assertThat(warehouseQuery("SELECT state || ' ' || tables FROM _sluice_rebuilds WHERE name = 'v2'"))
                .containsExactly("PROMOTED orders");
        assertThat(warehouseQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders__v2'"))
                .containsExactly("0");

        // promoted, the rebuild is the live version: its sink goes on from its own offsets into orders
        try (ShadowRun ignored = startCommand("--replication", "--as", "v2")) { // promoted: into the live table
            source("INSERT INTO public.orders VALUES (100, 1000, 'after promotion')");
            await().atMost(WAIT).until(() -> warehouseQuery("SELECT count(*) FROM orders WHERE id = 100").equals(List.of("1")));
            assertThat(warehouseQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders__v2'"))
                    .as("no shadow table created again").containsExactly("0");
        }
        awaitNoMembers("connect-sluice-warehouse__v2");
        assertThat(run("rebuild", "rollback", "v2")).startsWith("exit 0: Rolled back rebuild v2: orders hold the rows");
        assertThat(rows("orders")).isEqualTo(liveBefore);
        assertThat(historyRows("orders_history")).isEqualTo(liveHistory);
        assertThat(warehouseQuery("SELECT count(*) FROM orders__v2_history WHERE id = 100")).containsExactly("1");
        assertThat(warehouseQuery("SELECT count(*) FROM orders__v2 WHERE id = 100")).containsExactly("1");

        // the old version's sink goes on from its own offsets
        pipeline.startSink(SinkConnectorConfig.NAME, warehouse, SinkConnectorConfig.DEFAULT_POLICY);
        await().atMost(WAIT).until(() -> warehouseQuery("SELECT count(*) FROM orders WHERE id = 100").equals(List.of("1")));

        // rolled back, the rebuild could be promoted again, but not while its stopped shadow is behind the live table
        source("INSERT INTO public.orders VALUES (101, 1010, 'after rollback')");
        await().atMost(WAIT).until(() -> warehouseQuery("SELECT count(*) FROM orders WHERE id = 101").equals(List.of("1")));
        pipeline.stopSink(SinkConnectorConfig.NAME);
        awaitNoMembers("connect-sluice-warehouse");
        assertThat(run("rebuild", "promote", "v2")).startsWith("exit 2: sluice: The rebuild 'v2' has not caught up: orders:")
                .contains("caught up: no").endsWith(". Run sluice rebuild start --as v2 until sluice rebuild status says"
                        + " caught up.");
        assertThat(warehouseQuery("SELECT count(*) FROM orders__v2 WHERE id = 101")).as("nothing swapped").containsExactly("0");
        assertThat(warehouseQuery("SELECT count(*) FROM orders WHERE id = 101")).containsExactly("1");
        pipeline.startSink(SinkConnectorConfig.NAME, warehouse, SinkConnectorConfig.DEFAULT_POLICY);

        assertThat(run("rebuild", "abort", "v2")).contains("dropped table orders__v2").endsWith("Aborted rebuild v2.");
        assertThat(warehouseQuery("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'orders\\_\\_%'"))
                .containsExactly("0");
        assertThat(topics()).noneMatch(t -> t.startsWith("replica__v2.") || t.startsWith("sluice-replica__v2-"));
        assertThat(admin.listConsumerGroups().all().get(30, TimeUnit.SECONDS))
                .noneMatch(g -> g.groupId().contains("__v2"));
        assertThat(work.resolve("state/rebuild/v2")).doesNotExist();
        assertThat(warehouseQuery("SELECT state FROM _sluice_rebuilds WHERE name = 'v2'")).containsExactly("ABORTED");
    }

    @Test
    @Order(2)
    void twoRebuildsOfOneSpecAreEqualRowForRow() throws Exception {
        Path file = work.resolve("orders_clean.yaml");
        Files.writeString(file, """
                pipeline: orders_clean
                source:
                  topics: [sluice.public.orders]
                steps:
                  - dedupe: {window: 1h, allowed-lateness: 10m}
                  - unwrap: {}
                  - filter: {field: note, is-null: false}
                  - project: {fields: [id, amount, __source_ts, __version, __deleted]}
                output:
                  topic: clean.public.orders_clean
                """);
        PipelineSpec spec = UserSpecs.parse(file);
        Shadow second = new Shadow("d2", spec);
        Rebuild.register(warehouse, second, file.toString());
        List<String> expectedIds = warehouseQuery("SELECT id FROM orders WHERE note IS NOT NULL ORDER BY id");
        try (ShadowRun a = startCommand("--spec", file.toString(), "--as", "d1"); ShadowRun b = shadowRun(second, false)) {
            // a shadow table exists from its sink's first batch on
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).ignoreExceptions().until(() ->
                    warehouseQuery("SELECT id FROM orders_clean__d1 ORDER BY id").equals(expectedIds)
                            && warehouseQuery("SELECT id FROM orders_clean__d2 ORDER BY id").equals(expectedIds));
            assertThat(run("rebuild", "status", "d1")).contains("orders_clean: shadow orders_clean__d1 " + expectedIds.size()
                    + " rows").contains("live (no table); caught up: yes");
        }
        assertThat(rows("orders_clean__d2")).isEqualTo(rows("orders_clean__d1"));
        assertThat(warehouseQuery("SELECT count(*) FROM (SELECT * FROM orders_clean__d1 EXCEPT SELECT * FROM orders_clean__d2"
                + " UNION ALL SELECT * FROM orders_clean__d2 EXCEPT SELECT * FROM orders_clean__d1) d")).containsExactly("0");
        awaitNoMembers("connect-sluice-warehouse__d1");
        awaitNoMembers("connect-sluice-warehouse__d2");
        assertThat(run("rebuild", "abort", "d1")).contains("deleted topic clean__d1.public.orders_clean")
                .contains("deleted topic orders_clean__d1.dlq").endsWith("Aborted rebuild d1.");
        assertThat(run("rebuild", "abort", "d2")).endsWith("Aborted rebuild d2.");
        assertThat(topics()).noneMatch(t -> t.contains("__d1") || t.contains("__d2"));
    }

    @Test
    @Order(3)
    void aTopicThatLostItsStartIsNamedBeforeARebuildReadsIt() throws Exception {
        admin.createTopics(List.of(new NewTopic("truncated.input", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                infra.kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>("truncated.input", new byte[] {(byte) i})).get();
            }
        }
        assertThat(RetainedHistory.truncated(admin, "truncated.input"::equals)).isEmpty();
        TopicPartition tp = new TopicPartition("truncated.input", 0);
        admin.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(2))).all().get(30, TimeUnit.SECONDS);
        assertThat(RetainedHistory.truncated(admin, "truncated.input"::equals)).containsExactly("truncated.input-0 starts"
                + " at offset 2: its first 2 records are gone, so the rebuild misses rows they alone carried; backfill the"
                + " table first (sluice backfill, or give rebuild start --source-url of the captured database to have it"
                + " done) or rebuild from a topic that holds the whole history.");
    }

    @Test
    @Order(4)
    void replayRefusesWhileRunningPrintsItsPlanThenRewinds() throws Exception {
        String[] replay = {"replay", "--pipeline", "replica", "--from", "earliest", "--bootstrap-servers",
                infra.kafka.bootstrapServers(), "--state-dir", work.resolve("live/streams").toString()};
        String plan = run(concat(replay, "--dry-run"));
        assertThat(plan).startsWith("exit 0: Replay of sluice-replica from earliest:")
                .containsPattern("reset sluice\\.public\\.orders-0 from offset [1-9]\\d* to 0")
                .contains("delete internal topic sluice-replica-").contains("delete local state " + work.resolve("live/streams/sluice-replica"))
                .endsWith("Dry run: nothing changed.");
        assertThat(run(replay)).matches("exit 2: sluice: The consumer group sluice-replica still has \\d+ member\\(s\\); stop"
                + " the sluice transform or sluice local that runs pipeline replica first, then run the command again\\.");

        TopicPartition rows = new TopicPartition("replica.public.orders", 0);
        long rowsBefore = endOffset(rows);
        pipeline.close();
        pipeline = null;
        awaitNoMembers("sluice-replica");
        assertThat(run(replay)).contains("Replay of sluice-replica prepared;");
        assertThat(admin.listConsumerGroupOffsets("sluice-replica").partitionsToOffsetAndMetadata().get())
                .allSatisfy((tp, offset) -> assertThat(offset.offset()).as(tp.toString()).isZero());
        assertThat(topics()).noneMatch(t -> t.startsWith("sluice-replica-") && t.endsWith("-changelog"));
        assertThat(work.resolve("live/streams/sluice-replica")).doesNotExist();

        // started again, it reprocesses the whole history; the version guard keeps the warehouse where it was
        List<String> before = rows("orders");
        pipeline = ReplicationPipeline.start(settings());
        await().atMost(WAIT).until(() -> endOffset(rows) >= 2 * rowsBefore);
        long reprocessed = endOffset(rows);
        await().atMost(WAIT).until(() -> warehouseQuery("SELECT next_offset FROM _sluice_offsets WHERE connector = '"
                + SinkConnectorConfig.NAME + "' AND topic = 'replica.public.orders'").stream()
                .anyMatch(o -> Long.parseLong(o) >= reprocessed));
        assertThat(rows("orders")).isEqualTo(before);
    }

    @Test
    @Order(5)
    void aTruncatedChangeTopicIsBackfilledBeforeTheRebuildReadsIt() throws Exception {
        // retention took the whole change topic: without a backfill the shadow would hold nothing
        List<TopicPartition> changes = admin.describeTopics(List.of("sluice.public.orders")).allTopicNames()
                .get(30, TimeUnit.SECONDS).get("sluice.public.orders").partitions().stream()
                .map(p -> new TopicPartition("sluice.public.orders", p.partition())).toList();
        Map<TopicPartition, RecordsToDelete> all = new HashMap<>();
        for (TopicPartition tp : changes) {
            all.put(tp, RecordsToDelete.beforeOffset(endOffset(tp)));
        }
        admin.deleteRecords(all).all().get(30, TimeUnit.SECONDS);
        String content = "SELECT id || ' ' || amount || ' ' || coalesce(note, '-') FROM %s WHERE NOT __deleted ORDER BY id";
        List<String> live = warehouseQuery(content.formatted("orders"));
        assertThat(live).as("live rows").isNotEmpty();

        RebuildStartCommand command = CommandLine.populateCommand(new RebuildStartCommand(), withRebuildOptions(
                "--replication", "--as", "fill", "--source-url", "postgresql://" + source.user() + "@" + source.host()
                        + ":" + source.port() + "/" + source.database(), "--backfill-timeout", "60s"));
        RebuildStartCommand.Started started = command.start();
        try (ShadowRun ignored = started.run()) {
            assertThat(started.backfilled()).containsExactly(TableId.parse("public.orders"));
            assertThat(started.truncated()).as("partitions left unfilled").isEmpty();
            await().atMost(WAIT).pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                    .until(() -> warehouseQuery(content.formatted("orders__fill")).equals(live));
        }
        awaitNoMembers("connect-sluice-warehouse__fill");
        assertThat(run("rebuild", "abort", "fill")).endsWith("Aborted rebuild fill.");
    }

    private static ShadowRun shadowRun(Shadow shadow, boolean promoted) {
        return ShadowRun.start(shadow, TransformConfig.of(infra.kafka.bootstrapServers(), infra.registry.url()),
                work.resolve("state"), work.resolve("connect"), warehouse, promoted, Map.of(), Map.of(), System::getenv);
    }

    /** What {@code sluice rebuild start ARGS} starts before it waits to be stopped. */
    private static ShadowRun startCommand(String... args) throws Exception {
        RebuildStartCommand command = CommandLine.populateCommand(new RebuildStartCommand(), withRebuildOptions(args));
        RebuildStartCommand.Started started = command.start();
        assertThat(started.truncated()).as("input partitions that lost their start").isEmpty();
        return started.run();
    }

    private static String[] withRebuildOptions(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", infra.kafka.bootstrapServers(), "--registry-url", infra.registry.url(),
                "--warehouse", warehouse.jdbcUrl() + "?user=" + infra.postgres.user(), // trust: no password
                "--state-dir", work.resolve("state").toString(), "--work-dir", work.resolve("connect").toString()));
        return all.toArray(String[]::new);
    }

    /** {@code sluice ARGS} with the rebuild's Kafka, registry, warehouse and directories; "exit N: output". */
    private static String run(String... args) {
        List<String> all = List.of(args[0].equals("rebuild") ? withRebuildOptions(args) : args);
        StringWriter out = new StringWriter();
        CommandLine cli = SluiceCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int exit = cli.execute(all.toArray(String[]::new));
        return "exit " + exit + ": " + out.toString().trim();
    }

    private static String[] concat(String[] args, String more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }

    private static void awaitNoMembers(String group) {
        await().atMost(WAIT).until(() -> StreamsApplication.members(admin, group) == 0);
    }

    private static List<String> topics() throws Exception {
        return List.copyOf(admin.listTopics().names().get(30, TimeUnit.SECONDS));
    }

    private static long endOffset(TopicPartition tp) throws Exception {
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get(30, TimeUnit.SECONDS).get(tp).offset();
    }

    /** Every row of a warehouse table, all columns, in key order. */
    /** Every version, in one order whatever the versions of one id. */
    private static List<String> historyRows(String table) throws SQLException {
        return warehouseQuery("SELECT t::text FROM " + table + " t ORDER BY 1");
    }

    private static List<String> rows(String table) throws SQLException {
        return warehouseQuery("SELECT t::text FROM " + table + " t ORDER BY id");
    }

    private static List<String> warehouseQuery(String sql) throws SQLException {
        List<String> result = new ArrayList<>();
        try (Connection c = warehouse.open(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        }
        return result;
    }

    private static void source(String... statements) throws SQLException {
        try (Connection c = infra.postgres.connect("rebuild_source"); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }
}
