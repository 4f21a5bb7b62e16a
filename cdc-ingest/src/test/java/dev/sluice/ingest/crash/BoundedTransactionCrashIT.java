package dev.sluice.ingest.crash;

import dev.sluice.ingest.IngestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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
 * One source transaction far larger than the Kafka transaction bound (2,000 changes here, with a 20 s
 * transaction timeout) reaches read_committed readers in steps, and a SIGKILL in the middle of it costs
 * nothing: the restarted service reads the source transaction again from its start (the stored position
 * never moved inside it), the changes already committed arrive a second time with the same
 * {@code source.lsn}, and a version-guarded consumer of the topic ends equal to the source.
 */
class BoundedTransactionCrashIT {

    private static final String DATABASE = "bounded";
    private static final String TOPIC = "bounded.public.wide";
    private static final int ROWS = 30_000;
    /** Inserts, updates of the even rows, deletes of the rows ending in 5: all in one source transaction. */
    private static final int CHANGES = ROWS + ROWS / 2 + ROWS / 10;

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
    void aSourceTransactionCutByAKillArrivesAgainAndEndsEqual() throws Exception {
        infra.postgres.createDatabase(DATABASE);
        try (Connection c = infra.postgres.connect(DATABASE); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.wide (id bigint PRIMARY KEY, counter int NOT NULL)");
        }
        infra.kafka.createTopic(TOPIC, 1);
        IngestChild child = null;
        try (ChangeCollector collector = new ChangeCollector(infra.kafka.bootstrapServers(), infra.registry.url(), TOPIC)) {
            child = IngestChild.start(childArgs(), log(0));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(BoundedTransactionCrashIT::slotActive);
            try (Connection c = infra.postgres.connect(DATABASE); Statement s = c.createStatement()) {
                c.setAutoCommit(false);
                s.execute("INSERT INTO public.wide SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
                s.execute("UPDATE public.wide SET counter = 1 WHERE id % 2 = 0");
                s.execute("DELETE FROM public.wide WHERE id % 10 = 5");
                c.commit();
            }

            IngestChild first = child;
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> collector.count() >= 8_000 || !first.isAlive());
            assertThat(first.isAlive()).as("the first ingest run is alive").isTrue();
            first.kill();
            long visibleAtKill = collector.count();
            // part of one source transaction was visible: it was committed to Kafka in steps
            assertThat(visibleAtKill).isBetween(8_000L, (long) CHANGES - 1);

            child = IngestChild.start(childArgs(), log(1));
            Map<Long, Integer> source = sourceRows();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> collector.warehouse().equals(source));
            child.stop();
            child = null;

            System.out.printf("Bounded transaction test: %,d changes in one source transaction, %,d visible at the kill,"
                    + " %,d committed in all%n", CHANGES, visibleAtKill, collector.count());
            assertThat(collector.warehouse()).isEqualTo(source);
            // the restart read the source transaction again from its start: what was committed before the kill came twice
            assertThat(collector.count()).isGreaterThanOrEqualTo(CHANGES + visibleAtKill);
            // row 2 was inserted in the first step: committed before the kill, then read again with the whole transaction
            assertThat(collector.changes().get(2L)).startsWith("c:0").endsWith("c:0", "u:1")
                    .filteredOn("c:0"::equals).hasSize(2);
        } finally {
            if (child != null) {
                child.kill();
            }
        }
    }

    private static Map<Long, Integer> sourceRows() throws Exception {
        Map<Long, Integer> rows = new TreeMap<>();
        try (Connection c = infra.postgres.connect(DATABASE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, counter FROM public.wide")) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getInt(2));
            }
        }
        assertThat(rows).hasSize(ROWS - ROWS / 10);
        return rows;
    }

    private static boolean slotActive() throws Exception {
        try (Connection c = infra.postgres.connect(DATABASE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT active_pid IS NOT NULL FROM pg_replication_slots WHERE slot_name = 'bounded_slot'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static List<String> childArgs() {
        return List.of("host=" + infra.postgres.host(), "port=" + infra.postgres.port(), "database=" + DATABASE,
                "user=" + infra.postgres.user(), "password=" + infra.postgres.password(), "tables=public.wide",
                "prefix=bounded", "slot=bounded_slot", "publication=bounded_pub", "snapshotMode=no_data",
                "boundChanges=2000", "bootstrap=" + infra.kafka.bootstrapServers(), "registry=" + infra.registry.url());
    }

    private static Path log(int run) {
        return Path.of("target", "crash-test", "bounded-run-" + run + ".log");
    }
}
