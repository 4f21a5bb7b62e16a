package dev.sluice.cli.types;

import dev.sluice.cli.PipelineInfrastructure;
import dev.sluice.cli.local.ReplicationPipeline;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.reconcile.Reconciler;
import dev.sluice.cli.reconcile.TableComparison;
import dev.sluice.cli.source.SourceUrl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every schema change of issue 4 at the source while writes go on: ADD COLUMN without and with a default (NOT NULL and
 * nullable), int -> bigint with values beyond 2^31, varchar(n) -> text, numeric(6,2) -> numeric(12,4), RENAME COLUMN and
 * DROP COLUMN. Rows written before a change and never touched again are part of the check (the writer only updates ids
 * 1..20), so defaults and renames must reach stored rows, not only rows changed later.
 *
 * <p>Five sinks read the same row topic: DuckDB and PostgreSQL with {@code schema.change.policy=evolve} end equal to
 * the source; DuckDB and PostgreSQL with {@code fail} stop at the first change with the promised sentence and write
 * nothing of that batch, then, switched to evolve and restarted, end equal too; DuckDB with {@code ignore} keeps its
 * first shape and counts the fields it left out. Last, a table created while the pipeline runs reaches both evolve
 * warehouses once ingest is restarted with it in its configuration.
 */
class SchemaEvolutionIT {

    @TempDir
    static Path work;

    private static PipelineInfrastructure infra;

    @BeforeAll
    static void start() {
        infra = PipelineInfrastructure.start("evo_source", "evo_warehouse", "evo_strict_warehouse");
    }

    @AfterAll
    static void stop() {
        infra.close();
    }

    @Test
    void everySchemaChangeReachesTheWarehousesWhileWritesContinue() throws Exception {
        SourceUrl source = infra.source("evo_source");
        WarehouseTarget duckdb = PipelineInfrastructure.duckDb(work.resolve("evo.duckdb"));
        WarehouseTarget postgres = infra.postgresWarehouse("evo_warehouse");
        WarehouseTarget strictDuckdb = PipelineInfrastructure.duckDb(work.resolve("strict.duckdb"));
        WarehouseTarget strictPostgres = infra.postgresWarehouse("evo_strict_warehouse");
        WarehouseTarget lenientDuckdb = PipelineInfrastructure.duckDb(work.resolve("lenient.duckdb"));
        try (Connection c = infra.postgres.connect("evo_source"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE evolving (id integer PRIMARY KEY, qty integer NOT NULL, label varchar(20),"
                    + " price numeric(6,2), old_name text, gone text)");
            s.execute("INSERT INTO evolving SELECT g, g, 'row ' || g, g + 0.25, 'old ' || g, 'gone ' || g"
                    + " FROM generate_series(1, 100) g");
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        try (ReplicationPipeline pipeline = ReplicationPipeline.start(ReplicationPipeline.Settings.of(
                infra.kafka.bootstrapServers(), infra.registry.url(), source, List.of("public.evolving"),
                List.of(duckdb, postgres), work.resolve("state")))) {
            pipeline.startSink("strict-duckdb", strictDuckdb, "fail");
            pipeline.startSink("strict-postgres", strictPostgres, "fail");
            pipeline.startSink("lenient-duckdb", lenientDuckdb, "ignore");
            Reconciler toStrictPostgres = reconciler(source, strictPostgres);
            // the first shape has arrived before anything changes
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> Reconciler.allMatch(toStrictPostgres.compare(List.of("public.evolving"))));

            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(writing, writes));
            try (Connection c = infra.postgres.connect("evo_source"); Statement s = c.createStatement()) {
                awaitMoreWrites(writes, 50);
                s.execute("ALTER TABLE evolving ADD COLUMN note text");
                s.execute("UPDATE evolving SET note = 'note ' || id WHERE id % 3 = 0");
                awaitMoreWrites(writes, 50);
                s.execute("ALTER TABLE evolving ADD COLUMN flag integer NOT NULL DEFAULT 7");
                s.execute("UPDATE evolving SET flag = 8 WHERE id % 5 = 0");
                awaitMoreWrites(writes, 50);
                s.execute("ALTER TABLE evolving ADD COLUMN region text DEFAULT 'eu'");
                s.execute("UPDATE evolving SET region = 'us' WHERE id % 7 = 0");
                s.execute("UPDATE evolving SET region = NULL WHERE id % 11 = 0"); // a NULL is not the default
                awaitMoreWrites(writes, 50);
                s.execute("ALTER TABLE evolving ALTER COLUMN qty TYPE bigint");
                s.execute("UPDATE evolving SET qty = 3000000000 + id WHERE id % 4 = 0");
                awaitMoreWrites(writes, 50);
                s.execute("ALTER TABLE evolving ALTER COLUMN label TYPE text");
                s.execute("UPDATE evolving SET label = repeat('a longer label ', 3) || id WHERE id % 6 = 0");
                awaitMoreWrites(writes, 50);
                s.execute("ALTER TABLE evolving ALTER COLUMN price TYPE numeric(12,4)");
                s.execute("UPDATE evolving SET price = 12345678.1234 + id WHERE id % 8 = 0");
                awaitMoreWrites(writes, 50);
                s.execute("ALTER TABLE evolving RENAME COLUMN old_name TO new_name");
                s.execute("UPDATE evolving SET new_name = 'renamed ' || id WHERE id % 9 = 0");
                awaitMoreWrites(writes, 50);
                s.execute("ALTER TABLE evolving DROP COLUMN gone");
                awaitMoreWrites(writes, 50);
            } finally {
                writing.set(false);
                writer.get();
            }
            awaitEqual(pipeline, reconciler(source, postgres));

            // fail: both strict sinks stopped at the first change, naming it, and wrote nothing of that batch
            for (String strict : List.of("strict-duckdb", "strict-postgres")) {
                await().atMost(Duration.ofSeconds(30)).until(() -> "FAILED".equals(pipeline.sinkTask(strict).state()));
                assertThat(pipeline.sinkTask(strict).trace()).contains("Table 'evolving' changed at the source: column 'note'"
                        + " was added", "schema.change.policy=fail stopped the sink before writing this batch (nothing is lost)");
            }
            assertThat(columns(strictPostgres, "evolving")).doesNotContain("note");
            // fixed by switching the policy: the restarted tasks resume from the warehouse's offsets and catch up
            pipeline.startSink("strict-duckdb", strictDuckdb, "evolve");
            pipeline.startSink("strict-postgres", strictPostgres, "evolve");
            awaitEqual(pipeline, toStrictPostgres);
            assertThat(pipeline.awaitDrained(Duration.ofMinutes(1))).isTrue();

            // a table created while the pipeline runs (ingest captures it once it is configured, below)
            try (Connection c = infra.postgres.connect("evo_source"); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE added_later (id integer PRIMARY KEY, v text)");
                s.execute("INSERT INTO added_later SELECT g, 'before ' || g FROM generate_series(1, 100) g");
            }
        }
        // restarted with the table added to the configuration: its row topic appears while transforms and sinks run,
        // they pick it up by pattern, and the sinks create the table; the rows it held before ingest captured it
        // arrive through the backfill ingest starts for a newly configured table, the later ones stream.
        try (ReplicationPipeline pipeline = ReplicationPipeline.start(ReplicationPipeline.Settings.of(
                infra.kafka.bootstrapServers(), infra.registry.url(), source,
                List.of("public.evolving", "public.added_later"), List.of(duckdb, postgres),
                work.resolve("state")))) {
            try (Connection c = infra.postgres.connect("evo_source"); Statement s = c.createStatement()) {
                s.execute("INSERT INTO added_later SELECT g, 'new ' || g FROM generate_series(101, 200) g");
                s.execute("UPDATE added_later SET v = 'updated ' || id WHERE id % 10 = 0");
            }
            Reconciler toPostgres = reconciler(source, postgres);
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                        .ignoreExceptionsInstanceOf(SQLException.class)
                        .until(() -> Reconciler.allMatch(toPostgres.compare(List.of("public.added_later"))));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                toPostgres.compare(List.of("public.added_later")).forEach(r -> System.out.println("NEWTABLE " + r.line()));
                throw e;
            }
            assertThat(pipeline.awaitDrained(Duration.ofMinutes(1))).isTrue();
        }
        assertMatches(reconciler(source, duckdb).compare(List.of("public.added_later")));
        for (WarehouseTarget warehouse : List.of(postgres, duckdb, strictPostgres, strictDuckdb)) {
            assertMatches(reconciler(source, warehouse).compare(List.of("public.evolving")));
        }
        // the dropped column stays in the warehouse; the renamed one moved with its values
        assertThat(columns(duckdb, "evolving")).contains("gone", "new_name").doesNotContain("old_name");
        assertThat(columns(postgres, "evolving")).contains("gone", "new_name").doesNotContain("old_name");

        // ignore: the first shape, the fields it cannot take left out and counted
        assertThat(columns(lenientDuckdb, "evolving")).containsExactly("id", "qty", "label", "price", "old_name", "gone",
                "__source_ts", "__version", "__deleted");
        assertThat(labelsById(lenientDuckdb)).isEqualTo(labelsById(source));
        Counter dropped = Metrics.globalRegistry.find("sluice.sink.fields.dropped").tag("table", "evolving").counter();
        assertThat(dropped).isNotNull();
        assertThat(dropped.count()).isPositive();
    }

    /** Inserts new rows and updates ids 1..20 only, touching only the columns every shape of the table has. */
    private static void write(AtomicBoolean writing, AtomicInteger writes) {
        try (Connection c = infra.postgres.connect("evo_source"); Statement s = c.createStatement()) {
            for (int i = 1; writing.get(); i++) {
                s.execute("INSERT INTO evolving (id, qty, label) VALUES (" + (1000 + i) + ", " + i + ", 'new " + i + "')");
                s.execute("UPDATE evolving SET qty = qty + 1 WHERE id = " + (i % 20 + 1));
                writes.incrementAndGet();
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitMoreWrites(AtomicInteger writes, int more) {
        int target = writes.get() + more;
        await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() >= target);
    }

    private static void awaitEqual(ReplicationPipeline pipeline, Reconciler reconciler) {
        try {
            // until the sink added a column, the warehouse query names a column it lacks
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptionsInstanceOf(SQLException.class)
                    .until(() -> {
                        pipeline.throwIfFailed();
                        return Reconciler.allMatch(reconciler.compare(List.of("public.evolving")));
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            try {
                reconciler.compare(List.of("public.evolving")).forEach(r -> System.out.println("DIFF " + r.line()));
            } catch (SQLException | RuntimeException failed) {
                System.out.println("DIFF " + failed);
            }
            for (String sink : List.of("sluice-warehouse", "sluice-warehouse-2", "strict-postgres", "lenient-duckdb")) {
                System.out.println("TASK " + sink + " " + pipeline.sinkTask(sink).state() + " " + pipeline.sinkTask(sink).trace());
            }
            throw e;
        }
    }

    private static List<String> columns(WarehouseTarget warehouse, String table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (Connection c = open(warehouse); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT column_name FROM information_schema.columns WHERE table_name = '" + table
                     + "' AND table_schema = current_schema() ORDER BY ordinal_position")) {
            while (rs.next()) {
                columns.add(rs.getString(1));
            }
        }
        return columns;
    }

    private static Map<Integer, String> labelsById(WarehouseTarget warehouse) throws SQLException {
        try (Connection c = open(warehouse)) {
            return labels(c, " WHERE NOT __deleted");
        }
    }

    private static Map<Integer, String> labelsById(SourceUrl source) throws SQLException {
        try (Connection c = DriverManager.getConnection(source.jdbcUrl(), source.user(), source.password())) {
            return labels(c, "");
        }
    }

    private static Map<Integer, String> labels(Connection c, String where) throws SQLException {
        Map<Integer, String> labels = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT id, label FROM evolving" + where)) {
            while (rs.next()) {
                labels.put(rs.getInt(1), rs.getString(2));
            }
        }
        return labels;
    }

    private static Connection open(WarehouseTarget warehouse) throws SQLException {
        return warehouse.user() == null ? DriverManager.getConnection(warehouse.jdbcUrl())
                : DriverManager.getConnection(warehouse.jdbcUrl(), warehouse.user(), warehouse.password());
    }

    private static Reconciler reconciler(SourceUrl source, WarehouseTarget target) {
        return new Reconciler(source.jdbcUrl(), source.user(), source.password(), target.jdbcUrl(), target.user(), target.password());
    }

    private static void assertMatches(List<TableComparison> results) {
        results.forEach(r -> System.out.println(r.line()));
        assertThat(results).singleElement().satisfies(r -> assertThat(r.matches()).as(r.line()).isTrue());
    }
}
