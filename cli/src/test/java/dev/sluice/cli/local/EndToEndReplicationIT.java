package dev.sluice.cli.local;

import dev.sluice.cli.PipelineInfrastructure;
import dev.sluice.cli.demo.DemoSchema;
import dev.sluice.cli.demo.LoadGenerator;
import dev.sluice.cli.reconcile.Reconciler;
import dev.sluice.cli.reconcile.TableComparison;
import dev.sluice.cli.source.SourceUrl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole path on real components: PostgreSQL -> Debezium -> Kafka -> Kafka Streams -> Connect
 * worker -> DuckDB and PostgreSQL warehouses. Rows exist before the pipeline starts (snapshot) and
 * more than 20,000 inserts, updates and deletes happen while it runs (streaming), across four tables,
 * one with a composite key. Both warehouses must then equal the source, row for row.
 */
class EndToEndReplicationIT {

    private static final int CHANGES = 20_000;

    @TempDir
    static Path work;

    private static PipelineInfrastructure infra;

    @BeforeAll
    static void start() {
        infra = PipelineInfrastructure.start("shop", "warehouse");
    }

    @AfterAll
    static void stop() {
        infra.close();
    }

    @Test
    void snapshotAndStreamedChangesReachBothWarehousesExactly() throws Exception {
        SourceUrl source = infra.source("shop");
        WarehouseTarget duckdb = PipelineInfrastructure.duckDb(work.resolve("warehouse.duckdb"));
        WarehouseTarget pgWarehouse = infra.postgresWarehouse("warehouse");
        LoadGenerator load;
        try (Connection c = infra.postgres.connect("shop")) {
            DemoSchema.create(c);
        }
        // seeds customers and products before capture starts: they arrive through the snapshot
        load = new LoadGenerator(infra.postgres.connect("shop"), 4_000, 42);

        List<String> tables;
        try (ReplicationPipeline pipeline = ReplicationPipeline.start(ReplicationPipeline.Settings.of(
                infra.kafka.bootstrapServers(), infra.registry.url(), source, List.of(), List.of(duckdb, pgWarehouse),
                work.resolve("state")).withTopicPartitions(3))) {
            tables = pipeline.tables();
            assertThat(tables).containsExactlyInAnyOrderElementsOf(DemoSchema.TABLES);
            load.start();
            await().atMost(Duration.ofMinutes(3)).until(() -> load.changes() >= CHANGES);
            load.close();

            Reconciler toPostgres = reconciler(source, pgWarehouse);
            await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> Reconciler.allMatch(toPostgres.compare(tables)));
            assertThat(pipeline.awaitDrained(Duration.ofMinutes(3))).isTrue();
        }

        assertThat(load.changes()).isGreaterThanOrEqualTo(CHANGES);
        assertEqual(reconciler(source, pgWarehouse).compare(tables));
        // DuckDB is read once the sink has let go of the file (one process, one writer)
        assertEqual(reconciler(source, duckdb).compare(tables));
        assertThat(count(infra.postgres.connect("shop"), "SELECT count(*) FROM order_items"))
                .isEqualTo(count(duckdb.open(), "SELECT count(*) FROM order_items WHERE NOT __deleted"))
                .isGreaterThan(1_000);
        assertThat(count(duckdb.open(), "SELECT count(*) FROM orders WHERE __deleted"))
                .as("deleted orders are kept as soft deletes")
                .isGreaterThan(0);
    }

    @Test
    void reconcileNoticesAWarehouseThatDiffers() throws Exception {
        infra.postgres.createDatabase("drift_source");
        infra.postgres.createDatabase("drift_warehouse");
        try (Connection c = infra.postgres.connect("drift_source"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS drift (id int PRIMARY KEY, note text)");
            s.execute("INSERT INTO drift VALUES (1, 'a'), (2, 'b'), (3, 'c') ON CONFLICT DO NOTHING");
        }
        try (Connection w = infra.postgres.connect("drift_warehouse"); Statement s = w.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS drift (id int PRIMARY KEY, note text, __deleted boolean)");
            s.execute("INSERT INTO drift VALUES (1, 'a', false), (2, 'changed', false), (4, 'd', false), (3, 'c', true) ON CONFLICT DO NOTHING");
        }
        SourceUrl source = infra.source("drift_source");
        WarehouseTarget pgWarehouse = infra.postgresWarehouse("drift_warehouse");
        TableComparison drift = reconciler(source, pgWarehouse).compare(List.of("public.drift")).get(0);
        assertThat(drift.matches()).isFalse();
        assertThat(drift.missing()).isEqualTo(1);
        assertThat(drift.extra()).isEqualTo(1);
        assertThat(drift.different()).isEqualTo(1);
    }

    private static Reconciler reconciler(SourceUrl source, WarehouseTarget target) {
        return new Reconciler(source.jdbcUrl(), source.user(), source.password(), target.jdbcUrl(), target.user(), target.password());
    }

    private static void assertEqual(List<TableComparison> results) {
        results.forEach(r -> System.out.println(r.line()));
        assertThat(results).hasSize(DemoSchema.TABLES.size());
        assertThat(results).allSatisfy(r -> {
            assertThat(r.matches()).as(r.line()).isTrue();
            assertThat(r.sourceRows()).as(r.table()).isPositive();
        });
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (connection; Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
