package dev.sluice.ingest.crash;

import dev.sluice.ingest.IngestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The initial load (default snapshot mode) reads a table in chunks that read_committed readers see as they are
 * read, long before the table is done; a SIGKILL in the middle resumes after the last committed chunk instead of
 * starting over; changes made while the table loads are kept; and a version-guarded fold of the topic ends equal
 * to the source. Chunks of 500 rows and a Kafka transaction bound of 2,000 changes (20 s timeout) keep it short.
 */
class InitialLoadCrashIT {

    private static final String DATABASE = "initload";
    private static final String TOPIC = "initload.public.big";
    private static final int ROWS = 40_000;

    private static IngestInfrastructure infra;

    @BeforeAll
    static void startInfrastructure() {
        infra = IngestInfrastructure.start();
    }

    @AfterAll
    static void stopInfrastructure() {
        IngestInfrastructure.stop(infra);
    }

    @Test
    void aLoadIsVisibleInChunksResumesAfterAKillAndEndsEqual() throws Exception {
        infra.postgres.createDatabase(DATABASE);
        try (Connection c = infra.postgres.connect(DATABASE); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.big (id bigint PRIMARY KEY, counter int NOT NULL)");
            s.execute("INSERT INTO public.big SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
        }
        infra.kafka.createTopic(TOPIC, 1);
        IngestChild child = null;
        try (ChangeCollector collector = new ChangeCollector(infra.kafka.bootstrapServers(), infra.registry.url(), TOPIC)) {
            child = IngestChild.start(childArgs(), log(0));
            IngestChild first = child;
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> collector.count() > 0 || !first.isAlive());
            long firstSeen = collector.count();
            // the first rows are visible while most of the table is still unread
            assertThat(firstSeen).isBetween(1L, ROWS / 4L);

            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> collector.count() >= 12_000 || !first.isAlive());
            assertThat(first.isAlive()).as("the first ingest run is alive").isTrue();
            first.kill();
            long readAtKill = collector.count();
            assertThat(readAtKill).as("the kill came in the middle of the load").isLessThan(ROWS);

            child = IngestChild.start(childArgs(), log(1));
            // changes while the rest of the table loads: the streamed change wins over a read of its chunk window
            try (Connection c = infra.postgres.connect(DATABASE); Statement s = c.createStatement()) {
                s.execute("UPDATE public.big SET counter = 1 WHERE id % 7 = 0");
                s.execute("DELETE FROM public.big WHERE id % 11 = 0");
                s.execute("INSERT INTO public.big SELECT g, 2 FROM generate_series(" + (ROWS + 1) + ", " + (ROWS + 500) + ") g");
            }
            Map<Long, Integer> source = sourceRows();
            IngestChild second = child;
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Files.readString(log(1)).contains("Initial load of public.big complete") || !second.isAlive());
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(500))
                    .until(() -> collector.warehouse().equals(source));
            child.stop();
            child = null;

            long reads = collector.changes().values().stream().flatMap(List::stream).filter(c -> c.startsWith("r:")).count();
            System.out.printf("Initial load test: %,d rows, first %,d visible while loading, %,d read at the kill,"
                    + " %,d reads committed in all%n", ROWS, firstSeen, readAtKill, reads);
            assertThat(collector.warehouse()).isEqualTo(source);
            // resumed after the last committed chunk: the rows read before the kill are not read again, bar the cut chunk
            assertThat(reads).isLessThanOrEqualTo(ROWS + 2_500L);
            assertThat(collector.changes().get(1L)).containsExactly("r:0");
            assertThat(Files.readString(log(0))).doesNotContain("Initial load of public.big complete");
        } finally {
            if (child != null) {
                child.kill();
            }
        }
    }

    private static Map<Long, Integer> sourceRows() throws Exception {
        Map<Long, Integer> rows = new TreeMap<>();
        try (Connection c = infra.postgres.connect(DATABASE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, counter FROM public.big")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getInt(2));
            }
        }
        return rows;
    }

    private static List<String> childArgs() {
        return List.of("host=" + infra.postgres.host(), "port=" + infra.postgres.port(), "database=" + DATABASE,
                "user=" + infra.postgres.user(), "password=" + infra.postgres.password(), "tables=public.big",
                "prefix=initload", "slot=initload_slot", "publication=initload_pub", "chunkSize=500",
                "boundChanges=2000", "bootstrap=" + infra.kafka.bootstrapServers(), "registry=" + infra.registry.url());
    }

    private static Path log(int run) {
        return Path.of("target", "crash-test", "initial-load-run-" + run + ".log");
    }
}
