package dev.sluice.cli.backfill;

import dev.sluice.cli.PipelineInfrastructure;
import dev.sluice.cli.SluiceCommand;
import dev.sluice.cli.local.ReplicationPipeline;
import dev.sluice.cli.local.SinkConnectorConfig;
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
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sluice backfill} against the real replication pipeline of {@code sluice local}: a
 * 100,000-row table that existed before capture started (snapshot mode no_data, so ingest never
 * read it) is backfilled by an incremental snapshot while another table streams and the big table
 * itself is updated; the command prints progress and a completion line, streamed changes keep
 * arriving between its progress reports, and the warehouse ends equal to the source.
 */
class BackfillIT {

    private static final int BIG_ROWS = 100_000;

    @TempDir
    static Path work;

    private static PipelineInfrastructure infra;

    @BeforeAll
    static void start() {
        infra = PipelineInfrastructure.start("backfill_source", "backfill_warehouse");
    }

    @AfterAll
    static void stop() {
        infra.close();
    }

    @Test
    void backfillsAHundredThousandRowsWhileOtherTablesStream() throws Exception {
        SourceUrl source = infra.source("backfill_source");
        WarehouseTarget warehouse = infra.postgresWarehouse("backfill_warehouse");
        sql("CREATE TABLE public.big (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(12,2), version int NOT NULL)",
                "INSERT INTO public.big SELECT g, 'row ' || g, g * 1.25, 0 FROM generate_series(1, " + BIG_ROWS + ") g",
                "CREATE TABLE public.events (id serial PRIMARY KEY, note text NOT NULL)");
        List<String> tables = List.of("public.big", "public.events");

        try (ReplicationPipeline pipeline = ReplicationPipeline.start(ReplicationPipeline.Settings.of(
                infra.kafka.bootstrapServers(), infra.registry.url(), source, tables, List.of(warehouse),
                work.resolve("state"))
                .withSnapshotMode("no_data").withSchemaChangePolicy(SinkConnectorConfig.DEFAULT_POLICY));
             Writer writer = new Writer()) {
            writer.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> streamed() > 0);

            StringWriter output = new StringWriter();
            CommandLine cli = SluiceCommand.commandLine();
            cli.setOut(new PrintWriter(output, true));
            CompletableFuture<Integer> backfill = CompletableFuture.supplyAsync(() -> cli.execute("backfill",
                    "--source-url", "postgresql://" + source.user() + "@" + source.host() + ":"
                            + source.port() + "/" + source.database(),
                    "--bootstrap-servers", infra.kafka.bootstrapServers(), "--registry-url", infra.registry.url(),
                    "--table", "public.big", "--progress-interval", "1s", "--timeout", "5m"));

            // the streamed changes of the other table, read at each progress report of the backfill
            List<Long> streamedAtReports = new ArrayList<>();
            int[] reportsSeen = {0};
            await().atMost(Duration.ofMinutes(6)).pollInterval(Duration.ofMillis(100)).pollInSameThread().until(() -> {
                List<String> reports = progressLines(output.toString());
                if (reports.size() > reportsSeen[0]) {
                    reportsSeen[0] = reports.size();
                    streamedAtReports.add(streamed());
                }
                return backfill.isDone();
            });
            String printed = output.toString();
            System.out.println(printed);
            assertThat(backfill.get()).as(printed).isZero();
            assertThat(printed).contains("Backfill of public.big requested").contains("100,000 rows to read into sluice.public.big");
            assertThat(progressLines(printed)).as("progress reports while it ran").hasSizeGreaterThanOrEqualTo(2);
            assertThat(printed).containsPattern("Backfill of public\\.big complete: [0-9,]+ rows read into sluice\\.public\\.big in \\d+ s\\.");
            assertThat(streamedAtReports.get(streamedAtReports.size() - 1))
                    .as("changes of public.events streamed between the first and last progress report")
                    .isGreaterThan(streamedAtReports.get(0));
            assertThat(rowsReadReported(printed)).isGreaterThan(BIG_ROWS * 9L / 10).isLessThanOrEqualTo(BIG_ROWS);

            writer.close();
            Reconciler reconciler = new Reconciler(source.jdbcUrl(), source.user(), source.password(),
                    warehouse.jdbcUrl(), warehouse.user(), warehouse.password());
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> Reconciler.allMatch(reconciler.compare(tables)));
            List<TableComparison> results = reconciler.compare(tables);
            results.forEach(r -> System.out.println(r.line()));
            assertThat(results).allSatisfy(r -> assertThat(r.matches()).as(r.line()).isTrue());
            assertThat(results.get(0).sourceRows()).isEqualTo(BIG_ROWS);
            assertThat(writer.updates.get()).as("rows of the big table updated during the backfill").isPositive();
        }
    }

    @Test
    void aTableOutsideThePublicationIsRefusedWithTheFix() throws Exception {
        sql("CREATE TABLE IF NOT EXISTS public.not_captured (id int PRIMARY KEY)",
                "CREATE TABLE IF NOT EXISTS public.sluice_signal (id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))");
        SourceUrl source = infra.source("backfill_source");
        StringWriter err = new StringWriter();
        CommandLine cli = SluiceCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("backfill", "--source-url", "postgresql://" + source.user() + "@"
                        + source.host() + ":" + source.port() + "/" + source.database(),
                "--bootstrap-servers", infra.kafka.bootstrapServers(), "--registry-url", infra.registry.url(),
                "--table", "public.not_captured", "--publication", "no_such_publication");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().trim()).isEqualTo("sluice: Table public.not_captured is not captured by publication"
                + " no_such_publication; add it to the --tables of sluice ingest and restart it (a table added that way"
                + " is backfilled automatically).");
    }

    private static List<String> progressLines(String output) {
        return output.lines().filter(l -> l.matches("Backfill of public\\.big: .* rows \\(\\d+%\\)")).toList();
    }

    private static long rowsReadReported(String output) {
        String line = output.lines().filter(l -> l.contains(" complete: ")).findFirst().orElseThrow();
        return Long.parseLong(line.replaceAll(".* complete: ([0-9,]+) rows.*", "$1").replace(",", ""));
    }

    private static long streamed() {
        Counter c = Metrics.globalRegistry.find("sluice.ingest.changes").tag("table", "public.events").counter();
        return c == null ? 0 : (long) c.count();
    }

    private static void sql(String... statements) throws SQLException {
        try (Connection c = infra.postgres.connect("backfill_source"); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    /** Streams inserts into public.events and updates of public.big rows until closed. */
    private static final class Writer implements AutoCloseable {
        final AtomicLong updates = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread = new Thread(this::run, "backfill-it-writer");
        /** The writer's failure, rethrown by {@link #close}: a dead writer must fail the test, not go unseen. */
        private final java.util.concurrent.atomic.AtomicReference<Exception> failure =
                new java.util.concurrent.atomic.AtomicReference<>();

        void start() {
            thread.start();
        }

        private void run() {
            try (Connection c = infra.postgres.connect("backfill_source"); Statement s = c.createStatement()) {
                long i = 0;
                while (running.get()) {
                    s.execute("INSERT INTO public.events (note) VALUES ('event " + i + "')");
                    if (i % 5 == 0) {
                        long id = 1 + (i * 7919) % BIG_ROWS;
                        s.execute("UPDATE public.big SET version = version + 1, name = 'updated " + i + "' WHERE id = " + id);
                        updates.incrementAndGet();
                    }
                    i++;
                    Thread.sleep(20);
                }
            } catch (SQLException | InterruptedException e) {
                failure.set(e);
            }
        }

        @Override
        public void close() throws Exception {
            running.set(false);
            thread.join();
            if (failure.get() != null) {
                throw new AssertionError("the source writer failed: " + failure.get(), failure.get());
            }
        }
    }
}
