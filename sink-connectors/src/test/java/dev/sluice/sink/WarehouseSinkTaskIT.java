package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.embedded.PostgresServer;
import dev.sluice.schemas.heartbeat.Heartbeat;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.dialect.duckdb.SharedDuckDb;
import dev.sluice.sink.metrics.SinkMetrics;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Drives {@link WarehouseSinkTask} directly (no worker) against a real DuckDB file and a real PostgreSQL, to pin
 * the write semantics: version guard, soft and hard deletes, evolution, types, and seeking to stored offsets.
 */
class WarehouseSinkTaskIT {
    @TempDir
    static Path dir;
    static PostgresServer pg;

    static final Schema KEY = SchemaBuilder.struct().name("key")
            .field("region", Schema.STRING_SCHEMA).field("Order Id", Schema.INT32_SCHEMA).build();
    static final Schema VALUE = value(false);
    static final Schema VALUE_V2 = value(true);

    @BeforeAll
    static void start() {
        pg = PostgresServer.startThrowaway();
    }

    @AfterAll
    static void stop() {
        pg.close();
    }

    static Stream<String> warehouses() {
        return Stream.of("jdbc:duckdb:" + dir.resolve("task.duckdb"), pg.jdbcUrl("postgres"));
    }

    private static Schema value(boolean withNote) {
        SchemaBuilder b = SchemaBuilder.struct().name("value")
                .field("region", Schema.STRING_SCHEMA).field("Order Id", Schema.INT32_SCHEMA)
                .field("select", Schema.OPTIONAL_STRING_SCHEMA)
                .field("amount", Decimal.builder(2).parameter("connect.decimal.precision", "10").optional().build());
        if (withNote) {
            b.field("note", Schema.OPTIONAL_STRING_SCHEMA);
        }
        return b.field("__source_ts", Schema.INT64_SCHEMA).field("__version", Schema.INT64_SCHEMA)
                .field("__deleted", Schema.BOOLEAN_SCHEMA).build();
    }

    static SinkRecord row(String topic, long offset, String region, int id, String select, String amount, long version,
                          boolean deleted) {
        Struct value = new Struct(VALUE).put("region", region).put("Order Id", id).put("select", select)
                .put("amount", amount == null ? null : new BigDecimal(amount))
                .put("__source_ts", System.currentTimeMillis() - 1000).put("__version", version).put("__deleted", deleted);
        return new SinkRecord(topic, 0, KEY, new Struct(KEY).put("region", region).put("Order Id", id), VALUE, value, offset);
    }

    private static StubTaskContext lastContext;

    private static WarehouseSinkTask task(String url, String connector, Map<String, String> extra, TopicPartition... owned) {
        Map<String, String> props = new HashMap<>(Map.of("name", connector, "connection.url", url, "connection.user", pg.user()));
        props.putAll(extra);
        WarehouseSinkTask task = new WarehouseSinkTask();
        StubTaskContext context = new StubTaskContext(props);
        lastContext = context;
        task.initialize(context);
        task.start(props);
        task.open(List.of(owned));
        return task;
    }

    private static void commit(WarehouseSinkTask task, String topic) {
        task.preCommit(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(0)));
    }

    static List<String> query(String url, String sql) throws SQLException {
        if (url.startsWith("jdbc:duckdb:")) {
            try (WarehouseConnection c = SharedDuckDb.acquire(url)) {
                return read(c.jdbc(), sql);
            }
        }
        try (Connection c = DriverManager.getConnection(url, pg.user(), "")) {
            return read(c, sql);
        }
    }

    private static List<String> read(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object o = rs.getObject(i);
                    b.append(i > 1 ? "|" : "").append(o instanceof Boolean ? o.toString() : rs.getString(i));
                }
                rows.add(b.toString());
            }
        }
        return rows;
    }

    private static String table(String topic) {
        return "\"" + topic.substring(topic.lastIndexOf('.') + 1) + "\"";
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void newestVersionWinsAcrossBatchesAndReplays(String url) throws Exception {
        String topic = "replica.public.upserts_" + url.substring(5, 9);
        WarehouseSinkTask task = task(url, "c-upserts", Map.of(), new TopicPartition(topic, 0));
        task.put(List.of(row(topic, 0, "eu", 1, "a", "1.50", 10, false), row(topic, 1, "eu", 1, "b", "2.50", 20, false),
                row(topic, 2, "us", 1, "x", "9.99", 5, false), row(topic, 3, "eu", 1, "stale", "0.00", 15, false)));
        commit(task, topic);
        task.put(List.of(row(topic, 4, "eu", 1, "older", "0.01", 19, false), row(topic, 5, "eu", 1, "b", "2.50", 20, false)));
        commit(task, topic);
        task.stop();

        assertThat(query(url, "SELECT \"region\", \"Order Id\", \"select\", \"amount\", \"__version\", \"__deleted\" FROM "
                + table(topic) + " ORDER BY 1, 2"))
                .containsExactly("eu|1|b|2.50|20|false", "us|1|x|9.99|5|false");
        assertThat(query(url, "SELECT \"next_offset\" FROM \"_sluice_offsets\" WHERE \"connector\" = 'c-upserts'"))
                .containsExactly("6");
        assertThat(query(url, "SELECT \"version\" FROM \"_sluice_progress\" WHERE \"table_name\" = " + table(topic).replace('"', '\'')))
                .containsExactly("20");
        assertThat(Metrics.globalRegistry.find(SinkMetrics.FRESHNESS).timers()).isNotEmpty();
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void softDeleteKeepsColumnsAndAReplayedInsertCannotResurrectIt(String url) throws Exception {
        String topic = "replica.public.soft_" + url.substring(5, 9);
        WarehouseSinkTask task = task(url, "c-soft", Map.of(), new TopicPartition(topic, 0));
        task.put(List.of(row(topic, 0, "eu", 1, "a", "1.00", 10, false)));
        commit(task, topic);
        task.put(List.of(row(topic, 1, "eu", 1, null, null, 11, true), row(topic, 2, "eu", 2, null, null, 7, true)));
        commit(task, topic);
        task.put(List.of(row(topic, 3, "eu", 1, "a", "1.00", 10, false), row(topic, 4, "eu", 2, "z", "3.00", 6, false)));
        commit(task, topic);
        task.stop();

        assertThat(query(url, "SELECT \"Order Id\", \"select\", \"amount\", \"__version\", \"__deleted\" FROM " + table(topic)
                + " ORDER BY 1")).containsExactly("1|a|1.00|11|true", "2|null|null|7|true");
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void anUnchangedToastedTextColumnKeepsTheStoredValue(String url) throws Exception {
        String topic = "replica.public.toast_" + url.substring(5, 9);
        WarehouseSinkTask task = task(url, "c-toast", Map.of(), new TopicPartition(topic, 0));
        task.put(List.of(row(topic, 0, "eu", 1, "long text", "1.00", 10, false)));
        commit(task, topic);
        task.put(List.of(row(topic, 1, "eu", 1, dev.sluice.schemas.toast.UnavailableValue.PLACEHOLDER, "2.00", 11, false)));
        commit(task, topic);
        task.stop();

        assertThat(query(url, "SELECT \"select\", \"amount\" FROM " + table(topic))).containsExactly("long text|2.00");
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void insertModeAddsNewKeysAndNeverChangesAStoredRow(String url) throws Exception {
        String topic = "replica.public.insert_" + url.substring(5, 9);
        WarehouseSinkTask task = task(url, "c-insert", Map.of("insert.mode", "insert"), new TopicPartition(topic, 0));
        task.put(List.of(row(topic, 0, "eu", 1, "first", "1.00", 10, false)));
        commit(task, topic);
        task.put(List.of(row(topic, 1, "eu", 1, "second", "2.00", 11, false), row(topic, 2, "eu", 2, "new", "3.00", 12, false)));
        commit(task, topic);
        task.stop();

        assertThat(query(url, "SELECT \"Order Id\", \"select\", \"__version\" FROM " + table(topic) + " ORDER BY 1"))
                .containsExactly("1|first|10", "2|new|12");
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void withoutAKeyEveryRecordIsAppendedExactlyOnce(String url) throws Exception {
        String topic = "replica.public.append_" + url.substring(5, 9);
        Map<String, String> keyless = Map.of("pk.mode", "none", "insert.mode", "insert");
        WarehouseSinkTask task = task(url, "c-append", keyless, new TopicPartition(topic, 0));
        task.put(List.of(row(topic, 0, "eu", 1, "a", "1.00", 10, false), row(topic, 1, "eu", 1, "a", "1.00", 10, false),
                row(topic, 2, "eu", 1, null, null, 11, true)));
        commit(task, topic);
        task.stop();
        // a restarted task skips what the warehouse already holds, so the append log gains nothing twice
        task = task(url, "c-append", keyless, new TopicPartition(topic, 0));
        task.put(List.of(row(topic, 1, "eu", 1, "a", "1.00", 10, false), row(topic, 3, "us", 5, "b", "2.00", 12, false)));
        commit(task, topic);
        task.stop();

        assertThat(query(url, "SELECT \"Order Id\", \"select\", \"__version\", \"__deleted\" FROM " + table(topic)
                + " ORDER BY 3, 1")).containsExactly("1|a|10|false", "1|a|10|false", "1|null|11|true", "5|b|12|false");
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void pkFieldsFromTheValueChooseTheKeyAndARecordLackingOneGoesToTheDeadLetterQueue(String url) throws Exception {
        String topic = "replica.public.byvalue_" + url.substring(5, 9);
        WarehouseSinkTask task = task(url, "c-byvalue", Map.of("pk.mode", "record_value", "pk.fields", "select"),
                new TopicPartition(topic, 0));
        task.put(List.of(row(topic, 0, "eu", 1, "k1", "1.00", 10, false), row(topic, 1, "us", 2, "k1", "2.00", 11, false),
                row(topic, 2, "eu", 3, "k2", "3.00", 12, false)));
        commit(task, topic);
        task.stop();
        assertThat(query(url, "SELECT \"select\", \"region\", \"amount\" FROM " + table(topic) + " ORDER BY 1"))
                .containsExactly("k1|us|2.00", "k2|eu|3.00");

        task = task(url, "c-missing", Map.of("pk.fields", "order_id"), new TopicPartition(topic, 0));
        task.put(List.of(row(topic, 3, "eu", 4, "x", "1.00", 13, false)));
        commit(task, topic);
        task.stop();
        assertThat(lastContext.deadLetters).hasSize(1);
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void hardDeleteRemovesOnlyOlderRows(String url) throws Exception {
        String topic = "replica.public.hard_" + url.substring(5, 9);
        WarehouseSinkTask task = task(url, "c-hard", Map.of("delete.mode", "hard"), new TopicPartition(topic, 0));
        task.put(List.of(row(topic, 0, "eu", 1, "a", "1.00", 10, false), row(topic, 1, "eu", 2, "b", "1.00", 30, false)));
        commit(task, topic);
        task.put(List.of(row(topic, 2, "eu", 1, null, null, 11, true), row(topic, 3, "eu", 2, null, null, 29, true)));
        commit(task, topic);
        task.stop();

        assertThat(query(url, "SELECT \"Order Id\", \"__version\" FROM " + table(topic))).containsExactly("2|30");
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void aNewFieldBecomesANullableColumn(String url) throws Exception {
        String topic = "replica.public.evolve_" + url.substring(5, 9);
        WarehouseSinkTask task = task(url, "c-evolve", Map.of(), new TopicPartition(topic, 0));
        task.put(List.of(row(topic, 0, "eu", 1, "a", "1.00", 10, false)));
        commit(task, topic);
        Struct v2 = new Struct(VALUE_V2).put("region", "eu").put("Order Id", 2).put("note", "hello")
                .put("__source_ts", 1L).put("__version", 11L).put("__deleted", false);
        task.put(List.of(new SinkRecord(topic, 0, KEY, new Struct(KEY).put("region", "eu").put("Order Id", 2), VALUE_V2, v2, 1)));
        commit(task, topic);
        task.stop();

        assertThat(query(url, "SELECT \"Order Id\", \"note\" FROM " + table(topic) + " ORDER BY 1"))
                .containsExactly("1|null", "2|hello");
    }

    /** A record of table {@code topic} keyed by {@code id} (int32 or int64), with a {@code qty} of the same type. */
    private static SinkRecord keyedBy(String topic, long offset, Schema intType, long id, long version) {
        Schema key = SchemaBuilder.struct().name("k").field("id", intType).build();
        Schema value = SchemaBuilder.struct().name("v").field("id", intType).field("qty", intType)
                .field("__source_ts", Schema.INT64_SCHEMA).field("__version", Schema.INT64_SCHEMA)
                .field("__deleted", Schema.BOOLEAN_SCHEMA).build();
        Object idValue = intType.type() == Schema.Type.INT32 ? (Object) (int) id : (Object) id;
        return new SinkRecord(topic, 0, key, new Struct(key).put("id", idValue), value, new Struct(value).put("id", idValue)
                .put("qty", idValue).put("__source_ts", 1L).put("__version", version).put("__deleted", false), offset);
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void aKeyColumnWidenedToBigintTakesValuesBeyondTwoToTheThirtyFirst(String url) throws Exception {
        // PostgreSQL alters the key column; DuckDB cannot, so the sink copies the table with the wider key
        String topic = "replica.public.widen_" + url.substring(5, 9);
        WarehouseSinkTask task = task(url, "c-widen", Map.of(), new TopicPartition(topic, 0));
        task.put(List.of(keyedBy(topic, 0, Schema.INT32_SCHEMA, 1, 10), keyedBy(topic, 1, Schema.INT32_SCHEMA, 2, 11)));
        commit(task, topic);
        task.put(List.of(keyedBy(topic, 2, Schema.INT64_SCHEMA, 3_000_000_000L, 12), keyedBy(topic, 3, Schema.INT64_SCHEMA, 2, 13)));
        commit(task, topic);
        task.put(List.of(keyedBy(topic, 4, Schema.INT64_SCHEMA, 1, 14)));
        commit(task, topic);
        task.stop();
        assertThat(query(url, "SELECT id, qty, __version FROM " + table(topic) + " ORDER BY 1"))
                .containsExactly("1|1|14", "2|2|13", "3000000000|3000000000|12");
        assertThat(query(url, "SELECT lower(data_type) FROM information_schema.columns WHERE table_name = '"
                + table(topic).replace("\"", "") + "' AND column_name IN ('id', 'qty')")).containsExactly("bigint", "bigint");
        // still keyed: a replayed older version does not win
        WarehouseSinkTask again = task(url, "c-widen-replay", Map.of(), new TopicPartition(topic, 0));
        again.put(List.of(keyedBy(topic, 0, Schema.INT64_SCHEMA, 2, 5)));
        commit(again, topic);
        again.stop();
        assertThat(query(url, "SELECT __version FROM " + table(topic) + " WHERE id = 2")).containsExactly("13");
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void semanticTypesLandAsNativeColumns(String url) throws Exception {
        String topic = "replica.public.types_" + url.substring(5, 9);
        Schema key = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
        Schema vsd = SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal")
                .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).optional().build();
        Schema value = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA)
                .field("day", SchemaBuilder.int32().name("io.debezium.time.Date").build())
                .field("at", SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").build())
                .field("zoned", SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").build())
                .field("tm", SchemaBuilder.int64().name("io.debezium.time.MicroTime").build())
                .field("uid", SchemaBuilder.string().name("io.debezium.data.Uuid").build())
                .field("doc", SchemaBuilder.string().name("io.debezium.data.Json").build())
                .field("raw", Schema.BYTES_SCHEMA).field("small", Schema.INT16_SCHEMA).field("ratio", Schema.FLOAT64_SCHEMA)
                .field("num", vsd)
                .field("__source_ts", Schema.INT64_SCHEMA).field("__version", Schema.INT64_SCHEMA)
                .field("__deleted", Schema.BOOLEAN_SCHEMA).build();
        Struct v = new Struct(value).put("id", 1L).put("day", 19_724).put("at", 1_704_164_645_123_456L)
                .put("zoned", "2024-01-02T03:04:05Z").put("tm", 3_723_000_000L).put("uid", "6a2f41a3-c54c-fce8-32d2-0324e1c32e22")
                .put("doc", "{\"a\": 1}").put("raw", new byte[] {1, 2}).put("small", (short) 3).put("ratio", 0.5)
                .put("num", new Struct(vsd).put("scale", 2).put("value", BigInteger.valueOf(12345).toByteArray()))
                .put("__source_ts", 1L).put("__version", 1L).put("__deleted", false);
        WarehouseSinkTask task = task(url, "c-types", Map.of(), new TopicPartition(topic, 0));
        task.put(List.of(new SinkRecord(topic, 0, key, new Struct(key).put("id", 1L), value, v, 0)));
        commit(task, topic);
        task.stop();

        String row = query(url, "SELECT CAST(\"day\" AS VARCHAR), CAST(\"at\" AS VARCHAR), CAST(\"tm\" AS VARCHAR), "
                + "CAST(\"uid\" AS VARCHAR), \"small\", \"ratio\", CAST(\"num\" AS DOUBLE PRECISION) FROM " + table(topic)).get(0);
        assertThat(row).isEqualTo("2024-01-02|2024-01-02 03:04:05.123456|01:02:03|6a2f41a3-c54c-fce8-32d2-0324e1c32e22|3|0.5|123.45");
        assertThat(query(url, "SELECT CAST(EXTRACT(EPOCH FROM \"zoned\") AS BIGINT) FROM " + table(topic)).get(0)).isEqualTo("1704164645");
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void aRestartedTaskSeeksToTheStoredOffsetsAndSkipsWhatIsApplied(String url) throws Exception {
        String topic = "replica.public.restart_" + url.substring(5, 9);
        TopicPartition tp = new TopicPartition(topic, 0);
        WarehouseSinkTask first = task(url, "c-restart", Map.of(), tp);
        first.put(List.of(row(topic, 0, "eu", 1, "a", "1.00", 10, false), row(topic, 1, "eu", 1, "b", "1.00", 11, false)));
        commit(first, topic);
        first.stop();

        Map<String, String> props = Map.of("name", "c-restart", "connection.url", url, "connection.user", pg.user());
        WarehouseSinkTask second = new WarehouseSinkTask();
        StubTaskContext context = new StubTaskContext(props);
        second.initialize(context);
        second.start(props);
        second.open(List.of(tp));
        assertThat(context.seeks).containsEntry(tp, 2L);
        // Connect lagging behind the warehouse redelivers offset 0 (an older version under a bigger offset would
        // otherwise be harmless too, but the offset check means it is not even staged)
        second.put(List.of(row(topic, 0, "eu", 1, "a", "1.00", 10, false), row(topic, 2, "eu", 2, "c", "1.00", 12, false)));
        Map<TopicPartition, OffsetAndMetadata> committed = second.preCommit(Map.of(tp, new OffsetAndMetadata(0)));
        second.stop();

        assertThat(committed).containsEntry(tp, new OffsetAndMetadata(3));
        assertThat(query(url, "SELECT \"Order Id\", \"select\", \"__version\" FROM " + table(topic) + " ORDER BY 1"))
                .containsExactly("1|b|11", "2|c|12");
    }

    /**
     * A worker joins (eager rebalance): the old owner closes every partition while a full batch is being written and an
     * update waits in its buffer, keeps one partition, and the newcomer opens the other. The update, dropped by the old
     * owner, must reach the warehouse through the newcomer, which seeks to what the old owner stored.
     */
    @ParameterizedTest
    @MethodSource("warehouses")
    void anUpdateBufferedWhenAPartitionMovesToAnotherTaskIsWrittenByTheNewOwner(String url) throws Exception {
        String topic = "replica.public.handover_" + url.substring(5, 9);
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        Map<String, String> small = Map.of("batch.size", "2");
        WarehouseSinkTask old = task(url, "c-handover", small, p0, p1);
        SinkRecord insert = row(topic, 0, "eu", 1, "new", "1.00", 10, false);
        SinkRecord other = new SinkRecord(topic, 1, KEY, new Struct(KEY).put("region", "us").put("Order Id", 2), VALUE,
                new Struct(VALUE).put("region", "us").put("Order Id", 2).put("__source_ts", 900L).put("__version", 11L)
                        .put("__deleted", false), 0);
        SinkRecord update = row(topic, 1, "eu", 1, "paid", "1.00", 20, false);
        old.put(List.of(insert, other)); // full: written in the background
        old.put(List.of(update)); // buffered

        old.close(List.of(p0, p1));
        old.open(List.of(p1));
        WarehouseSinkTask newcomer = task(url, "c-handover", small, p0);
        assertThat(lastContext.seeks).containsEntry(p0, 1L);
        // the group's committed offset lags the warehouse: Connect hands the insert over again before the seek
        newcomer.put(List.of(insert, update));
        Map<TopicPartition, OffsetAndMetadata> newcomerCommits = newcomer.preCommit(Map.of(p0, new OffsetAndMetadata(0)));
        Map<TopicPartition, OffsetAndMetadata> oldCommits = old.preCommit(Map.of(p1, new OffsetAndMetadata(0)));
        newcomer.stop();
        old.stop();

        assertThat(newcomerCommits).containsOnly(Map.entry(p0, new OffsetAndMetadata(2)));
        assertThat(oldCommits).containsOnly(Map.entry(p1, new OffsetAndMetadata(1)));
        assertThat(query(url, "SELECT \"region\", \"Order Id\", \"select\", \"__version\" FROM " + table(topic) + " ORDER BY 1, 2"))
                .containsExactly("eu|1|paid|20", "us|2|null|11");
        assertThat(query(url, "SELECT \"partition\", \"next_offset\" FROM \"_sluice_offsets\" WHERE \"connector\" = 'c-handover'"
                + " ORDER BY 1")).containsExactly("0|2", "1|1");
    }

    private static SinkRecord heartbeat(String topic, int partition, long offset, Heartbeat beat) {
        SinkRecord r = new SinkRecord(topic, partition, null, null, null, null, offset);
        // as Connect's SimpleHeaderConverter hands them over: decimal text parsed into numbers
        r.headers().addLong(Heartbeat.LSN, beat.lsn()).addLong(Heartbeat.SOURCE_TS, beat.sourceTs())
                .addInt(Heartbeat.PARTITION, beat.partition()).addInt(Heartbeat.PARTITIONS, beat.partitions());
        return r;
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void theFrontierMovesOnlyOnceEveryPartitionHeardFromEveryOriginAndNeverRunsAheadOfTheRows(String url) throws Exception {
        String topic = "replica.public.frontier_" + url.substring(5, 9);
        String name = table(topic).replace("\"", "");
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);
        WarehouseSinkTask task = task(url, "c-frontier", Map.of(), p0, p1);
        String progress = "SELECT \"complete_version\", \"complete_ts\", \"version\" FROM \"_sluice_progress\" WHERE \"table_name\" = '"
                + name + "'";

        // two row-topic partitions, two origins: three of the four heartbeats say nothing about the table as a whole
        task.put(List.of(row(topic, 0, "eu", 1, "a", "1.00", 90, false), heartbeat(topic, 0, 1, new Heartbeat(100, 1_000, 0, 2)),
                heartbeat(topic, 0, 2, new Heartbeat(100, 1_000, 1, 2))));
        task.put(List.of(new SinkRecord(topic, 1, KEY, new Struct(KEY).put("region", "us").put("Order Id", 2), VALUE,
                new Struct(VALUE).put("region", "us").put("Order Id", 2).put("__source_ts", 900L).put("__version", 95L)
                        .put("__deleted", false), 0), heartbeat(topic, 1, 1, new Heartbeat(120, 1_200, 0, 2))));
        task.preCommit(Map.of(p0, new OffsetAndMetadata(0), p1, new OffsetAndMetadata(0)));
        assertThat(query(url, progress)).containsExactly("null|null|95");

        // the last origin reaches partition 1: complete up to the smallest of the four
        task.put(List.of(heartbeat(topic, 1, 2, new Heartbeat(110, 1_100, 1, 2))));
        task.preCommit(Map.of(p0, new OffsetAndMetadata(0), p1, new OffsetAndMetadata(0)));
        assertThat(query(url, progress)).containsExactly("100|1000|95");

        // heartbeats move it forward, an older one (a replay) never back
        task.put(List.of(heartbeat(topic, 0, 3, new Heartbeat(300, 3_000, 0, 2)), heartbeat(topic, 0, 4, new Heartbeat(300, 3_000, 1, 2)),
                heartbeat(topic, 1, 3, new Heartbeat(250, 2_500, 0, 2)), heartbeat(topic, 1, 4, new Heartbeat(260, 2_600, 1, 2)),
                heartbeat(topic, 1, 5, new Heartbeat(110, 1_100, 1, 2))));
        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of(p0, new OffsetAndMetadata(0), p1, new OffsetAndMetadata(0)));
        task.stop();

        assertThat(query(url, progress)).containsExactly("250|2500|95");
        // the freshness gauge: now minus the frontier's source commit time, in seconds, read at each scrape
        double freshness = meters.get(SinkMetrics.TABLE_FRESHNESS).tag("table", name).gauge().value();
        assertThat(freshness).isCloseTo((System.currentTimeMillis() - 2_500) / 1000.0, within(60.0));
        assertThat(committed).containsEntry(p0, new OffsetAndMetadata(5)).containsEntry(p1, new OffsetAndMetadata(6));
        assertThat(query(url, "SELECT count(*) FROM " + table(topic))).containsExactly("2");
        Metrics.removeRegistry(meters);
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void fullBatchesAreWrittenInTheBackgroundAndPreCommitWaitsForThem(String url) throws Exception {
        String topic = "replica.public.background_" + url.substring(5, 9);
        TopicPartition tp = new TopicPartition(topic, 0);
        WarehouseSinkTask task = task(url, "c-background", Map.of("batch.size", "2"), tp);
        // each put fills the buffer: the first write starts in the background, the second put waits for it first
        task.put(List.of(row(topic, 0, "eu", 1, "a", "1.00", 10, false), row(topic, 1, "eu", 2, "b", "2.00", 11, false)));
        task.put(List.of(row(topic, 2, "eu", 1, "c", "3.00", 12, false), row(topic, 3, "us", 3, "d", "4.00", 13, false)));
        task.put(List.of(row(topic, 4, "eu", 2, "e", "5.00", 14, false)));
        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of(tp, new OffsetAndMetadata(0)));

        assertThat(committed).containsEntry(tp, new OffsetAndMetadata(5));
        assertThat(query(url, "SELECT \"region\", \"Order Id\", \"select\", \"__version\" FROM " + table(topic) + " ORDER BY 1, 2"))
                .containsExactly("eu|1|c|12", "eu|2|e|14", "us|3|d|13");
        assertThat(query(url, "SELECT \"next_offset\" FROM \"_sluice_offsets\" WHERE \"connector\" = 'c-background'"))
                .containsExactly("5");
        task.stop();
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void aFailedBackgroundWriteFailsTheNextPutAndStoresNothing(String url) throws Exception {
        String topic = "replica.public.refused_" + url.substring(5, 9);
        // a table the sink would create alike, plus a check the next row breaks: the database refuses the batch
        execute(url, "CREATE TABLE " + table(topic) + " (\"region\" VARCHAR NOT NULL, \"Order Id\" INTEGER NOT NULL, "
                + "\"select\" VARCHAR CHECK (\"select\" <> 'refused'), \"amount\" DECIMAL(10, 2), \"__source_ts\" BIGINT, "
                + "\"__version\" BIGINT, \"__deleted\" BOOLEAN, PRIMARY KEY (\"region\", \"Order Id\"))");
        TopicPartition tp = new TopicPartition(topic, 0);
        // without a dead-letter topic a refused row fails the task (with one, it is dead-lettered alone: see below)
        WarehouseSinkTask task = task(url, "c-refused", Map.of("batch.size", "1", "max.retries", "0",
                "errors.tolerance", "none"), tp);
        task.put(List.of(row(topic, 0, "eu", 1, "refused", "1.00", 10, false))); // returns while the write runs

        assertThatThrownBy(() -> task.put(List.of(row(topic, 1, "eu", 2, "fine", "1.00", 11, false))))
                .isInstanceOf(ConnectException.class).hasMessageContaining("refused a row")
                .hasMessageContaining("errors.deadletterqueue.topic.name");
        task.stop();
        assertThat(query(url, "SELECT count(*) FROM " + table(topic))).containsExactly("0");
        assertThat(query(url, "SELECT count(*) FROM \"_sluice_offsets\" WHERE \"connector\" = 'c-refused'")).containsExactly("0");
    }

    private static void execute(String url, String sql) throws SQLException {
        if (url.startsWith("jdbc:duckdb:")) {
            try (WarehouseConnection c = SharedDuckDb.acquire(url); Statement s = c.jdbc().createStatement()) {
                s.execute(sql);
            }
            return;
        }
        try (Connection c = DriverManager.getConnection(url, pg.user(), ""); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void tasksOfOneWorkerShareOneDuckDbInstance(String url) throws Exception {
        if (!url.startsWith("jdbc:duckdb:")) {
            return;
        }
        String topic = "replica.public.shared";
        WarehouseSinkTask a = task(url, "c-shared", Map.of(), new TopicPartition(topic, 0));
        WarehouseSinkTask b = task(url, "c-shared", Map.of(), new TopicPartition(topic, 1));
        assertThat(SharedDuckDb.openDatabases()).isEqualTo(1);
        a.put(List.of(row(topic, 0, "eu", 1, "a", "1.00", 1, false)));
        SinkRecord other = row(topic, 0, "eu", 2, "b", "1.00", 1, false);
        b.put(List.of(new SinkRecord(topic, 1, other.keySchema(), other.key(), other.valueSchema(), other.value(), 0)));
        commit(a, topic);
        b.preCommit(Map.of(new TopicPartition(topic, 1), new OffsetAndMetadata(0)));
        a.stop();
        b.stop();
        assertThat(SharedDuckDb.openDatabases()).isZero();
        assertThat(query(url, "SELECT count(*) FROM \"shared\"")).containsExactly("2");
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void aSecondTopicMappingToAClaimedTableIsDeadLetteredAndNeverMovesItsFrontier(String url) throws Exception {
        String name = "twin_" + url.substring(5, 9);
        String first = "replica.public." + name;
        String second = "replica.audit." + name;
        TopicPartition p0 = new TopicPartition(first, 0);
        TopicPartition q0 = new TopicPartition(second, 0);
        WarehouseSinkTask task = task(url, "c-twin", Map.of(), p0, q0);
        task.put(List.of(row(first, 0, "eu", 1, "mine", "1.00", 10, false)));
        task.put(List.of(row(second, 0, "eu", 1, "theirs", "9.00", 20, false), row(second, 1, "eu", 2, "theirs", "9.00", 21, false),
                heartbeat(second, 0, 2, new Heartbeat(500, 5_000, 0, 1))));
        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of(p0, new OffsetAndMetadata(0), q0,
                new OffsetAndMetadata(0)));
        task.stop();

        assertThat(query(url, "SELECT \"Order Id\", \"select\" FROM " + table(first))).containsExactly("1|mine");
        assertThat(lastContext.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(0L, 1L);
        assertThat((String) lastContext.deadLetters.get(0).headers().lastWithName(DeadLetters.REASON).value())
                .startsWith("Topic " + second + " (source table audit." + name + ") maps to warehouse table " + name
                        + ", which already holds the rows of topic " + first + " (source table public." + name + ")");
        assertThat(query(url, "SELECT count(*) FROM \"_sluice_frontier\" WHERE \"table_name\" = '" + name + "'"))
                .as("the refused topic's heartbeat").containsExactly("0");
        assertThat(committed).containsEntry(q0, new OffsetAndMetadata(3));
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void aRecordBreakingTheContractGoesToTheDeadLetterQueueAndTheRestLands(String url) throws Exception {
        String topic = "replica.public.dlq_" + url.substring(5, 9);
        WarehouseSinkTask task = task(url, "c-dlq", Map.of(), new TopicPartition(topic, 0));
        Schema noVersion = SchemaBuilder.struct().field("region", Schema.STRING_SCHEMA).build();
        SinkRecord bad = new SinkRecord(topic, 0, KEY, new Struct(KEY).put("region", "eu").put("Order Id", 9), noVersion,
                new Struct(noVersion).put("region", "eu"), 1);
        task.put(List.of(row(topic, 0, "eu", 1, "a", "1.00", 10, false), bad, row(topic, 2, "eu", 2, "b", "1.00", 10, false)));
        commit(task, topic);
        task.stop();

        assertThat(lastContext.deadLetters).singleElement().satisfies(letter -> {
            assertThat(letter.kafkaOffset()).isEqualTo(1);
            assertThat(letter.value()).isEqualTo(bad.value());
            assertThat(letter.headers().lastWithName(DeadLetters.STAGE).value()).isEqualTo(DeadLetters.READ);
            assertThat(letter.headers().lastWithName(DeadLetters.TOPIC).value()).isEqualTo(topic);
            assertThat(letter.headers().lastWithName(DeadLetters.OFFSET).value()).isEqualTo("1");
            assertThat((String) letter.headers().lastWithName(DeadLetters.REASON).value()).contains("lacks __version");
        });
        assertThat(query(url, "SELECT \"Order Id\" FROM " + table(topic) + " ORDER BY 1")).containsExactly("1", "2");
        assertThat(query(url, "SELECT \"next_offset\" FROM \"_sluice_offsets\" WHERE \"connector\" = 'c-dlq'")).containsExactly("3");
    }

    /**
     * amount is DECIMAL(10,2): a value of twelve integer digits is refused by the warehouse (a data error). The batch
     * is split until that row stands alone; it is dead-lettered, and the rows before and after it land with every
     * offset in the same transaction. A tombstone goes to the dead letters too.
     */
    @ParameterizedTest
    @MethodSource("warehouses")
    void aRowTheWarehouseRefusesIsDeadLetteredAloneAndTheRestOfItsBatchLands(String url) throws Exception {
        String topic = "replica.public.isolated_" + url.substring(5, 9);
        WarehouseSinkTask task = task(url, "c-isolated", Map.of(), new TopicPartition(topic, 0));
        task.put(List.of(row(topic, 0, "eu", 1, "a", "1.00", 10, false)));
        commit(task, topic);
        List<SinkRecord> batch = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            batch.add(row(topic, i, "eu", 100 + i, "r" + i, i == 13 ? "123456789012.00" : "2.00", 20 + i, false));
        }
        SinkRecord tombstone = new SinkRecord(topic, 0, KEY, new Struct(KEY).put("region", "eu").put("Order Id", 1), null, null, 21);
        batch.add(tombstone);
        task.put(batch);
        commit(task, topic);
        task.stop();

        assertThat(lastContext.deadLetters).extracting(SinkRecord::kafkaOffset).containsExactly(21L, 13L);
        SinkRecord refused = lastContext.deadLetters.get(1);
        assertThat(refused.headers().lastWithName(DeadLetters.STAGE).value()).isEqualTo(DeadLetters.WRITE);
        assertThat((String) refused.headers().lastWithName(DeadLetters.REASON).value()).contains("refused this row");
        assertThat((String) lastContext.deadLetters.get(0).headers().lastWithName(DeadLetters.REASON).value())
                .contains("tombstone");
        assertThat(query(url, "SELECT count(*) FROM " + table(topic))).containsExactly("20");
        assertThat(query(url, "SELECT count(*) FROM " + table(topic) + " WHERE \"Order Id\" = 113")).containsExactly("0");
        assertThat(query(url, "SELECT \"next_offset\" FROM \"_sluice_offsets\" WHERE \"connector\" = 'c-isolated'"))
                .containsExactly("22");
    }

    @ParameterizedTest
    @MethodSource("warehouses")
    void recordsFromConnectsJsonConverterWorkToo(String url) throws Exception {
        String topic = "replica.public.json_" + url.substring(5, 9);
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "true", "decimal.format", "NUMERIC"), false);
        SinkRecord original = row(topic, 0, "eu", 1, "via json", "4.20", 3, false);
        byte[] keyBytes = json.fromConnectData(topic, KEY, original.key());
        byte[] valueBytes = json.fromConnectData(topic, VALUE, original.value());
        SchemaAndValue key = json.toConnectData(topic, keyBytes);
        SchemaAndValue value = json.toConnectData(topic, valueBytes);
        WarehouseSinkTask task = task(url, "c-json", Map.of(), new TopicPartition(topic, 0));
        task.put(List.of(new SinkRecord(topic, 0, key.schema(), key.value(), value.schema(), value.value(), 0)));
        commit(task, topic);
        task.stop();

        assertThat(query(url, "SELECT \"select\", \"amount\" FROM " + table(topic))).containsExactly("via json|4.20");
    }
}
