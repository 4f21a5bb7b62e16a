package dev.sluice.cli.local;

import dev.sluice.cli.PipelineInfrastructure;
import dev.sluice.cli.reconcile.Reconciler;
import dev.sluice.cli.reconcile.TableComparison;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.ingest.load.TableLoadProgress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicBoolean;
import java.sql.SQLException;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import dev.sluice.cli.http.StageStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A large table's initial load on the whole pipeline (ingest, transforms, Connect worker, PostgreSQL warehouse):
 * its first rows are in the warehouse while the load still runs, and the drain (what {@code sluice local
 * --exit-after --reconcile} calls) waits for the load to finish, so the warehouse equals the source right after it.
 */
class InitialLoadPipelineIT {

    private static final int ROWS = 60_000;

    @TempDir
    static Path work;

    private static PipelineInfrastructure infra;

    @BeforeAll
    static void start() {
        infra = PipelineInfrastructure.start("bigload", "warehouse");
    }

    @AfterAll
    static void stop() {
        infra.close();
    }

    @Test
    void theFirstRowsArriveWhileTheTableLoadsAndTheDrainWaitsForTheLoad() throws Exception {
        try (Connection c = infra.postgres.connect("bigload"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.big (id bigint PRIMARY KEY, note text NOT NULL)");
            s.execute("INSERT INTO public.big SELECT g, md5(g::text) FROM generate_series(1, " + ROWS + ") g");
        }
        SourceUrl source = infra.source("bigload");
        WarehouseTarget warehouse = infra.postgresWarehouse("warehouse");
        try (ReplicationPipeline pipeline = ReplicationPipeline.start(ReplicationPipeline.Settings.of(
                infra.kafka.bootstrapServers(), infra.registry.url(), source, List.of("public.big"),
                List.of(warehouse), work.resolve("state")))) {
            // chunks are committed as they are read: read_committed consumers see changes while the load still runs
            // (one Kafka transaction for the whole snapshot showed nothing until its end)
            AtomicLong committedWhileLoading = new AtomicLong();
            AtomicReference<StageStatus> healthWhileLoading = new AtomicReference<>();
            Admin admin = infra.kafka.admin();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20)).until(() -> {
                StageStatus health = pipeline.stages(() -> false).get(0).status();
                boolean loading = !pipeline.initialLoad().complete();
                long committed = committedChanges(admin);
                if (loading && committed > 0) {
                    committedWhileLoading.set(committed);
                    healthWhileLoading.set(health);
                }
                return committedWhileLoading.get() > 0 || !loading;
            });
            admin.close();
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> warehouseRows() > 0);
            List<TableLoadProgress> progress = pipeline.initialLoad().progress();
            System.out.printf("Initial load: %,d changes readable while loading; first %,d rows in the warehouse (%s)%n",
                    committedWhileLoading.get(), warehouseRows(), progress.get(0).line());
            assertThat(committedWhileLoading.get()).as("changes readable (read_committed) while the load still ran")
                    .isPositive().isLessThan(ROWS);
            assertThat(progress).extracting(p -> p.table().toString()).containsExactly("public.big");
            assertThat(progress.get(0).estimate()).isEqualTo(ROWS);
            // /health/ready: still ready while the load runs, and says how far it is
            assertThat(healthWhileLoading.get().state()).isEqualTo("LOADING");
            assertThat(healthWhileLoading.get().ready()).isTrue();
            assertThat(healthWhileLoading.get().detail()).startsWith("initial load: public.big ");

            assertThat(pipeline.awaitDrained(Duration.ofMinutes(4))).isTrue();
            assertThat(pipeline.initialLoad().complete()).isTrue();
            assertThat(pipeline.initialLoad().progress().get(0).rows()).isEqualTo(ROWS);
            // right after the drain, with no further wait: the load is whole in the warehouse
            List<TableComparison> results = new Reconciler(source.jdbcUrl(), source.user(), source.password(),
                    warehouse.jdbcUrl(), warehouse.user(), warehouse.password()).compare(pipeline.tables());
            results.forEach(r -> System.out.println(r.line()));
            assertThat(results).allSatisfy(r -> assertThat(r.matches()).as(r.line()).isTrue());
        }
    }

    /**
     * Rows updated while their table loads, by updates that leave a TOASTed column out: Debezium drops a chunk row that
     * changed inside the chunk's window (the streamed change carries it) and the update carries no value for that
     * column, so without reading those rows again the warehouse would hold NULL there. Small chunks (50 rows) and a
     * steady stream of updates aimed at the rows about to be read make updates land inside windows.
     */
    @Test
    void rowsWhoseUnchangedToastedValuesStreamedDuringTheLoadAreReadAgainAndArriveWhole() throws Exception {
        try (Connection c = infra.postgres.connect("bigload"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.docs (id int PRIMARY KEY, n int NOT NULL, body text NOT NULL)");
            s.execute("ALTER TABLE public.docs ALTER COLUMN body SET STORAGE EXTERNAL"); // out of line, uncompressed
            s.execute("INSERT INTO public.docs SELECT g, 0, (SELECT string_agg(md5(g::text || x::text), '')"
                    + " FROM generate_series(1, 80) x) FROM generate_series(1, 3000) g");
        }
        SourceUrl source = infra.source("bigload");
        WarehouseTarget warehouse = infra.postgresWarehouse("warehouse");
        AtomicBoolean updating = new AtomicBoolean(true);
        AtomicLong updates = new AtomicLong();
        AtomicReference<ReplicationPipeline> running = new AtomicReference<>();
        // started before the pipeline, so that it already runs when the first chunk is read
        Thread updater = new Thread(() -> {
            try (Connection c = infra.postgres.connect("bigload");
                 PreparedStatement ps = c.prepareStatement("UPDATE public.docs SET n = n + 1 WHERE id = ?")) {
                java.util.Random random = new java.util.Random(7);
                while (updating.get()) {
                    // rows just past what has loaded: the chunk being read now or next, so that updates land inside
                    // chunk windows however fast a chunk is read (ids are 1..3000, read in id order)
                    ReplicationPipeline p = running.get();
                    long loaded = p == null ? 0
                            : p.initialLoad().progress().stream().mapToLong(TableLoadProgress::rows).sum();
                    ps.setInt(1, (int) Math.min(3000, loaded + 1 + random.nextInt(100)));
                    ps.executeUpdate();
                    updates.incrementAndGet();
                    Thread.sleep(2); // a few hundred a second: enough for windows, not so many that the load crawls
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        updater.start();
        try (ReplicationPipeline pipeline = ReplicationPipeline.start(ReplicationPipeline.Settings.of(
                infra.kafka.bootstrapServers(), infra.registry.url(), source, List.of("public.docs"),
                List.of(warehouse), work.resolve("docs")).withDebeziumProperty("incremental.snapshot.chunk.size", "50"))) {
            running.set(pipeline);
            long atStart = updates.get();
            // updates run while the table scan runs; the re-read of the rows they touched comes after it
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50)).until(() ->
                    pipeline.initialLoad().progress().stream().allMatch(TableLoadProgress::done));
            updating.set(false);
            updater.join();
            boolean drained = pipeline.awaitDrained(Duration.ofMinutes(2));
            System.out.printf("TOAST re-read: %,d updates (%,d after the pipeline started), %,d rows read again; load complete %s: %s%n",
                    updates.get(), updates.get() - atStart, pipeline.initialLoad().rereadRows(), pipeline.initialLoad().complete(),
                    pipeline.initialLoad().progress().stream().map(TableLoadProgress::line).toList());
            assertThat(drained).as("drained").isTrue();
            try (Connection c = infra.postgres.connect("warehouse"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM docs WHERE body IS NULL")) {
                rs.next();
                assertThat(rs.getLong(1)).as("rows whose TOASTed body never arrived").isZero();
            }
            assertThat(pipeline.initialLoad().rereadRows()).as("rows read again").isPositive();
            List<TableComparison> results = new Reconciler(source.jdbcUrl(), source.user(), source.password(),
                    warehouse.jdbcUrl(), warehouse.user(), warehouse.password()).compare(pipeline.tables());
            results.forEach(r -> System.out.println(r.line()));
            assertThat(results).allSatisfy(r -> assertThat(r.matches()).as(r.line()).isTrue());
        } finally {
            updating.set(false);
        }
    }

    /** Records of the table's change topic a read_committed consumer can read now; 0 before the topic exists. */
    private static long committedChanges(Admin admin) {
        try {
            TopicPartition partition = new TopicPartition("sluice.public.big", 0);
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest()),
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get().get(partition).offset();
        } catch (Exception e) {
            return 0;
        }
    }

    private static long warehouseRows() {
        try (Connection c = infra.postgres.connect("warehouse"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM big")) {
            rs.next();
            return rs.getLong(1);
        } catch (Exception e) {
            return 0; // the sink has not created the table yet
        }
    }
}
