package dev.sluice.sink.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.embedded.PostgresServer;
import dev.sluice.sink.config.DeleteMode;
import dev.sluice.sink.config.InsertMode;
import dev.sluice.sink.config.SchemaChangePolicy;
import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.Dialect;
import dev.sluice.sink.dialect.Dialects;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.metrics.SinkMetrics;
import dev.sluice.sink.table.TableManager;
import dev.sluice.sink.write.BatchWriter;
import dev.sluice.sink.write.LatestVersionBatch;
import dev.sluice.sink.write.OffsetStore;
import dev.sluice.sink.write.RowRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.common.TopicPartition;

/**
 * Random histories per key, delivered through the real {@link BatchWriter} into a real DuckDB file and a real
 * PostgreSQL database in random order,
 * with random duplicates and random batch boundaries: the history table equals the one computed from the versions
 * in order, and its SQL invariants hold. Some updates do not send the note (an unchanged TOASTed value): their
 * version holds the note the key had, whichever order the versions arrived in.
 */
class HistoryPropertyTest {
    private static final ColumnType INTEGER = ColumnType.of(ColumnType.Kind.INTEGER);
    private static final ColumnType BIGINT = ColumnType.of(ColumnType.Kind.BIGINT);
    private static final ColumnType TEXT = ColumnType.of(ColumnType.Kind.TEXT);
    private static final ColumnType BOOLEAN = ColumnType.of(ColumnType.Kind.BOOLEAN);
    private static final TopicPartition PARTITION = new TopicPartition("replica.public.orders", 0);
    private static final String HISTORY = HistoryTable.of("orders");
    private static Path dir;
    private static int files;

    /**
     * One change at the source, before versions are assigned: a delete only when the key is live; {@code unsent}: an
     * update that leaves the note alone and does not send it (an unchanged TOASTed value).
     */
    record Step(boolean delete, int tsStep, int versionStep, String note, boolean unsent) {
    }

    /** What one version row of the history must hold; {@code unsent}: the record carries no note (it is unchanged). */
    record Version(int id, long version, long sourceTs, String note, boolean deleted, boolean unsent) {
    }

    private static PostgresServer postgres;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("history-property-test");
        postgres = PostgresServer.startThrowaway();
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        postgres.close();
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Property(tries = 30)
    void anyDeliveryOrderAndDuplicatesGiveTheInOrderHistoryInDuckDb(@ForAll("histories") List<List<Step>> keys,
                                                                   @ForAll("randoms") Random random) throws SQLException {
        try (Warehouse warehouse = new Warehouse("jdbc:duckdb:" + dir.resolve("w" + (files++) + ".duckdb"), null, null)) {
            check(keys, random, warehouse);
        }
    }

    @Property(tries = 15)
    void anyDeliveryOrderAndDuplicatesGiveTheInOrderHistoryInPostgres(@ForAll("histories") List<List<Step>> keys,
                                                                     @ForAll("randoms") Random random) throws SQLException {
        String database = "history_" + (files++);
        postgres.createDatabase(database);
        try (Warehouse warehouse = new Warehouse(postgres.jdbcUrl(database), postgres.user(), postgres.password())) {
            check(keys, random, warehouse);
        }
    }

    private static void check(List<List<Step>> keys, Random random, Warehouse warehouse) throws SQLException {
        List<Version> versions = versionsOf(keys, random);
        List<Version> delivered = new ArrayList<>(versions);
        for (Version v : versions) {
            for (int copies = random.nextInt(3); copies > 0; copies--) {
                delivered.add(v); // delivered twice or three times: a replay, a retried batch
            }
        }
        Collections.shuffle(delivered, random);

        {
            int offset = 0;
            while (offset < delivered.size()) {
                int size = 1 + random.nextInt(Math.min(8, delivered.size() - offset));
                warehouse.write(delivered.subList(offset, offset + size), offset);
                offset += size;
            }
            assertThat(warehouse.history()).containsExactlyElementsOf(expectedHistory(versions));
            assertThat(warehouse.count("SELECT count(*) FROM (SELECT id FROM " + HISTORY + " GROUP BY id"
                    + " HAVING count(*) FILTER (WHERE is_current) > 1) AS t")).as("keys with two current rows").isZero();
            assertThat(warehouse.count("SELECT count(*) FROM " + HISTORY + " a JOIN " + HISTORY + " b ON a.id = b.id AND"
                    + " a.__version < b.__version WHERE a.valid_from < coalesce(b.valid_to, 9223372036854775807)"
                    + " AND b.valid_from < a.valid_to")).as("overlapping intervals").isZero();
            assertThat(warehouse.count("SELECT count(*) FROM (SELECT valid_to, lead(valid_from) OVER (PARTITION BY id ORDER"
                    + " BY __version) AS next_from, lead(__version) OVER (PARTITION BY id ORDER BY __version) AS next"
                    + " FROM " + HISTORY + ") AS t WHERE next IS NOT NULL AND valid_to IS DISTINCT FROM next_from"
                    + " OR next IS NULL AND valid_to IS NOT NULL")).as("gaps between intervals").isZero();
            assertThat(warehouse.count("SELECT count(*) FROM " + HISTORY + " WHERE valid_to < valid_from"))
                    .as("intervals ending before they start").isZero();
            assertThat(warehouse.registry.counter(SinkMetrics.HISTORY_VERSIONS, "table", "orders").count())
                    .as("versions counted once each").isEqualTo(versions.size());
            long liveKeys = keys.stream().filter(steps -> !lastIsDelete(steps)).count();
            assertThat(warehouse.count("SELECT count(*) FROM " + HISTORY + " WHERE is_current")).isEqualTo(liveKeys);
            assertThat(warehouse.count("SELECT count(*) FROM " + HISTORY + " h JOIN orders o ON o.id = h.id WHERE h.is_current"
                    + " AND (o.__deleted OR o.__version <> h.__version)")).as("current rows not in the table").isZero();
        }
    }

    @Provide
    Arbitrary<List<List<Step>>> histories() {
        Arbitrary<Step> step = Combinators.combine(Arbitraries.of(true, false, false), Arbitraries.integers().between(0, 3),
                Arbitraries.integers().between(1, 4), Arbitraries.of("a", "b", "c"), Arbitraries.of(true, false, false))
                .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(8).list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<Random> randoms() {
        return Arbitraries.randoms();
    }

    /**
     * The source's versions: one LSN sequence over all keys, changes interleaved at random, commit times that never
     * go back and often tie (a transaction's changes share one). A delete of a key not live becomes an insert.
     */
    private static List<Version> versionsOf(List<List<Step>> keys, Random random) {
        List<Integer> order = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            for (int i = 0; i < keys.get(k).size(); i++) {
                order.add(k);
            }
        }
        Collections.shuffle(order, random);
        int[] next = new int[keys.size()];
        boolean[] live = new boolean[keys.size()];
        String[] notes = new String[keys.size()];
        long version = 100;
        long ts = 1_000;
        List<Version> versions = new ArrayList<>();
        for (int k : order) {
            Step step = keys.get(k).get(next[k]++);
            version += step.versionStep();
            ts += step.tsStep();
            boolean delete = step.delete() && live[k];
            boolean unsent = !delete && live[k] && step.unsent();
            live[k] = !delete;
            notes[k] = unsent ? notes[k] : step.note();
            versions.add(new Version(k + 1, version, ts, delete ? null : notes[k], delete, unsent));
        }
        return versions;
    }

    private static boolean lastIsDelete(List<Step> steps) {
        boolean live = false;
        for (Step s : steps) {
            live = !(s.delete() && live);
        }
        return !live;
    }

    /** The history computed from the versions in order: (id, __version, note, valid_from, valid_to, is_current, is_deleted). */
    private static List<List<Object>> expectedHistory(List<Version> versions) {
        Map<Integer, List<Version>> byKey = new java.util.TreeMap<>();
        versions.forEach(v -> byKey.computeIfAbsent(v.id(), k -> new ArrayList<>()).add(v));
        List<List<Object>> rows = new ArrayList<>();
        byKey.values().forEach(list -> {
            list.sort(Comparator.comparingLong(Version::version));
            for (int i = 0; i < list.size(); i++) {
                Version v = list.get(i);
                boolean last = i == list.size() - 1;
                Long validTo = last ? null : list.get(i + 1).sourceTs();
                rows.add(java.util.Arrays.asList(v.id(), v.version(), v.note(), v.sourceTs(), validTo, last && !v.deleted(),
                        v.deleted()));
            }
        });
        return rows;
    }

    /** One warehouse (a DuckDB file, a PostgreSQL database) written the way the sink task writes it. */
    private static final class Warehouse implements AutoCloseable {
        private final WarehouseConnection connection;
        private final BatchWriter writer;
        private final OffsetStore offsets = new OffsetStore("history-property-test");
        private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

        Warehouse(String url, String user, String password) throws SQLException {
            Dialect dialect = Dialects.forUrl(url);
            connection = dialect.connect(url, user, password);
            offsets.createTables(connection);
            TableManager tables = new TableManager(dialect, true, SchemaChangePolicy.EVOLVE);
            writer = new BatchWriter(dialect, tables, offsets, DeleteMode.SOFT, InsertMode.UPSERT, new SinkMetrics(registry), "stage_");
        }

        void write(List<Version> versions, int firstOffset) throws SQLException {
            LatestVersionBatch batch = new LatestVersionBatch(java.util.Set.of("orders"));
            int offset = firstOffset;
            for (Version v : versions) {
                batch.add(record(v, offset++));
            }
            writer.write(connection, batch);
        }

        List<List<Object>> history() throws SQLException {
            List<List<Object>> rows = new ArrayList<>();
            try (Statement s = connection.jdbc().createStatement();
                 ResultSet rs = s.executeQuery("SELECT id, __version, note, valid_from, valid_to, is_current, is_deleted FROM "
                         + HISTORY + " ORDER BY id, __version")) {
                while (rs.next()) {
                    rows.add(java.util.Arrays.asList(rs.getInt(1), rs.getLong(2), rs.getString(3), rs.getObject(4, Long.class),
                            rs.getObject(5, Long.class), rs.getBoolean(6), rs.getBoolean(7)));
                }
            }
            return rows;
        }

        long count(String sql) throws SQLException {
            try (Statement s = connection.jdbc().createStatement(); ResultSet rs = s.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }

        private static RowRecord record(Version v, int offset) {
            Map<String, RowRecord.Column> columns = new LinkedHashMap<>();
            columns.put("id", new RowRecord.Column(INTEGER, v.id()));
            columns.put("note", new RowRecord.Column(TEXT, v.unsent() ? RowRecord.Unchanged.VALUE : v.note()));
            columns.put(RowRecord.SOURCE_TS, new RowRecord.Column(BIGINT, v.sourceTs()));
            columns.put(RowRecord.VERSION, new RowRecord.Column(BIGINT, v.version()));
            columns.put(RowRecord.DELETED, new RowRecord.Column(BOOLEAN, v.deleted()));
            return new RowRecord("orders", PARTITION, offset, List.of("id"), List.of(v.id()), columns, v.version(),
                    v.sourceTs(), v.deleted());
        }
    }
}
