package dev.sluice.cli.types;

import dev.sluice.cli.PipelineInfrastructure;
import dev.sluice.cli.local.ReplicationPipeline;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.reconcile.Reconciler;
import dev.sluice.cli.reconcile.TableComparison;
import dev.sluice.cli.source.SourceUrl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Columns added at the source while writes go on reach both warehouses: a nullable column, a NOT NULL column with
 * a default and a nullable column with a default; every row then equals the source in both warehouses.
 *
 * <p>Not yet covered (a known gap, see issue 4): a row written before {@code ADD COLUMN ... DEFAULT} and never
 * changed afterwards. PostgreSQL gives it the default without writing it again, so no change event carries it, and
 * the sink adds the warehouse column without a default: there it stays NULL. The test therefore touches every row
 * once after adding the columns with defaults; it will drop that step when the sink adds such columns with
 * {@code DEFAULT} ({@code dev.sluice.sink.dialect.SqlLiteral}).
 */
class SchemaEvolutionIT {

    @TempDir
    static Path work;

    private static PipelineInfrastructure infra;

    @BeforeAll
    static void start() {
        infra = PipelineInfrastructure.start("evo_source", "evo_warehouse");
    }

    @AfterAll
    static void stop() {
        infra.close();
    }

    @Test
    void addedColumnsWithAndWithoutDefaultReachBothWarehousesWhileWritesContinue() throws Exception {
        SourceUrl source = infra.source("evo_source");
        WarehouseTarget duckdb = PipelineInfrastructure.duckDb(work.resolve("evo.duckdb"));
        WarehouseTarget pgWarehouse = infra.postgresWarehouse("evo_warehouse");
        try (Connection c = infra.postgres.connect("evo_source"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE evolving (id integer PRIMARY KEY, qty integer NOT NULL, label text)");
            s.execute("INSERT INTO evolving SELECT g, g, 'row ' || g FROM generate_series(1, 100) g");
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        try (ReplicationPipeline pipeline = ReplicationPipeline.start(new ReplicationPipeline.Settings(
                infra.kafka.bootstrapServers(), infra.registry.url(), source, List.of("public.evolving"), List.of(duckdb, pgWarehouse),
                work.resolve("state"), 1))) {
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> write(writing, writes));
            try (Connection c = infra.postgres.connect("evo_source"); Statement s = c.createStatement()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() >= 100);
                s.execute("ALTER TABLE evolving ADD COLUMN note text");
                s.execute("UPDATE evolving SET note = 'note ' || id WHERE id % 3 = 0");
                awaitMoreWrites(writes, 100);
                s.execute("ALTER TABLE evolving ADD COLUMN flag integer NOT NULL DEFAULT 7");
                s.execute("UPDATE evolving SET flag = 8 WHERE id % 5 = 0");
                awaitMoreWrites(writes, 100);
                s.execute("ALTER TABLE evolving ADD COLUMN region text DEFAULT 'eu'");
                s.execute("UPDATE evolving SET region = 'us' WHERE id % 7 = 0");
                awaitMoreWrites(writes, 100);
                // the known gap (class comment): rows never changed since the defaults were added would stay NULL
                s.execute("UPDATE evolving SET qty = qty + 1");
                awaitMoreWrites(writes, 50);
            } finally {
                writing.set(false);
                writer.get();
            }
            Reconciler toPostgres = reconciler(source, pgWarehouse);
            try {
                // until the sink added a column, the warehouse query names a column it lacks
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                        .ignoreExceptionsInstanceOf(java.sql.SQLException.class)
                        .until(() -> {
                            pipeline.throwIfFailed();
                            return Reconciler.allMatch(toPostgres.compare(List.of("public.evolving")));
                        });
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                diagnose(pipeline);
                throw e;
            }
            assertThat(pipeline.awaitDrained(Duration.ofSeconds(3), Duration.ofMinutes(1))).isTrue();
        }
        assertMatches(reconciler(source, pgWarehouse).compare(List.of("public.evolving")));
        assertMatches(reconciler(source, duckdb).compare(List.of("public.evolving")));
    }

    /** Inserts new rows and updates old ones, touching only the columns the table was created with. */
    private static void write(AtomicBoolean writing, AtomicInteger writes) {
        try (Connection c = infra.postgres.connect("evo_source"); Statement s = c.createStatement()) {
            for (int i = 1; writing.get(); i++) {
                s.execute("INSERT INTO evolving (id, qty, label) VALUES (" + (1000 + i) + ", " + i + ", 'new " + i + "')");
                s.execute("UPDATE evolving SET qty = qty + 1 WHERE id = " + (i % 100 + 1));
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

    private static void diagnose(ReplicationPipeline pipeline) throws Exception {
        var client = new dev.sluice.schemas.registry.RestSchemaRegistryClient(infra.registry.url());
        for (String subject : client.subjects()) {
            System.out.println("SUBJECT " + subject + " versions " + client.versions(subject));
        }
        System.out.println("LATEST ROW " + client.latest("replica.public.evolving-value").schema());
        var http = java.net.http.HttpClient.newHttpClient();
        for (String name : List.of("sluice-warehouse", "sluice-warehouse-2")) {
            System.out.println("STATUS " + http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    pipeline.connectRestUrl().replaceAll("/$", "") + "/connectors/" + name + "/status")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body());
        }
        try {
            reconciler(source(), pgW()).compare(List.of("public.evolving")).forEach(r -> System.out.println("PG " + r.line()));
        } catch (java.sql.SQLException e) {
            System.out.println("PG " + e.getMessage());
        }
        for (String topic : List.of("sluice.public.evolving", "replica.public.evolving")) {
            var records = PlainAvroReader.readAll(infra.kafka.bootstrapServers(), infra.registry.url(), topic);
            System.out.println("TOPIC " + topic + " " + records.size() + " last " + records.get(records.size() - 1));
        }
    }

    private static SourceUrl source() {
        return infra.source("evo_source");
    }

    private static WarehouseTarget pgW() {
        return infra.postgresWarehouse("evo_warehouse");
    }

    private static Reconciler reconciler(SourceUrl source, WarehouseTarget target) {
        return new Reconciler(source.jdbcUrl(), source.user(), source.password(), target.jdbcUrl(), target.user(), target.password());
    }

    private static void assertMatches(List<TableComparison> results) {
        results.forEach(r -> System.out.println(r.line()));
        assertThat(results).singleElement().satisfies(r -> assertThat(r.matches()).as(r.line()).isTrue());
    }
}
