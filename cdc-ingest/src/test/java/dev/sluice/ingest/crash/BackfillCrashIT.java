package dev.sluice.ingest.crash;

import dev.sluice.ingest.IngestInfrastructure;
import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.source.TableId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A backfill (incremental snapshot) survives SIGKILLs of the ingest process: after restarts the
 * read_committed change topic holds every row of the table exactly once as a backfill read, the
 * snapshot resuming after the last chunk committed with its offset instead of starting over.
 */
class BackfillCrashIT {

    private static final String DATABASE = "bfcrash";
    private static final String TOPIC = "bfcrash.public.big";
    private static final int ROWS = 60_000;

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
    void aBackfillCutByKillsDeliversEveryRowExactlyOnce() throws Exception {
        infra.postgres.createDatabase(DATABASE);
        try (Connection c = infra.postgres.connect(DATABASE); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.big (id bigint PRIMARY KEY, counter int NOT NULL)");
            s.execute("INSERT INTO public.big SELECT g, 0 FROM generate_series(1, " + ROWS + ") g");
        }
        infra.kafka.createTopic(TOPIC, 1);
        int runs = 0;
        int kills = 0;
        IngestChild child = null;
        try (ChangeCollector collector = new ChangeCollector(infra.kafka.bootstrapServers(), infra.registry.url(), TOPIC)) {
            child = IngestChild.start(childArgs(), log(runs++));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).until(BackfillCrashIT::slotActive);
            try (Connection c = infra.postgres.connect(DATABASE)) {
                new ControlTables("public", "bfcrash_slot").requestBackfill(c, new TableId("public", "big"));
            }
            for (int threshold : List.of(12_000, 33_000)) {
                IngestChild current = child;
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
                        .until(() -> collector.count() >= threshold || !current.isAlive());
                assertThat(current.isAlive()).as("ingest run %d is alive", runs - 1).isTrue();
                current.kill();
                kills++;
                child = IngestChild.start(childArgs(), log(runs++));
            }
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                    .until(() -> collector.changes().size() >= ROWS);
            child.stop();
            child = null;
            collector.close();

            Map<Long, List<String>> reads = collector.changes();
            List<String> wrong = new ArrayList<>();
            for (long id = 1; id <= ROWS && wrong.size() < 20; id++) {
                List<String> got = reads.getOrDefault(id, List.of());
                if (!got.equals(List.of("r:0"))) {
                    wrong.add("key " + id + ": " + got);
                }
            }
            System.out.printf("Backfill crash test: %d rows, %d SIGKILLs, %d ingest runs, %d backfill reads committed%n",
                    ROWS, kills, runs, collector.count());
            assertThat(wrong).as("rows missing or read more than once").isEmpty();
            assertThat(collector.count()).isEqualTo(ROWS);
            assertThat(kills).isEqualTo(2);
        } finally {
            if (child != null) {
                child.kill();
            }
        }
    }

    private static boolean slotActive() throws Exception {
        try (Connection c = infra.postgres.connect(DATABASE); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT active_pid IS NOT NULL FROM pg_replication_slots WHERE slot_name = 'bfcrash_slot'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static List<String> childArgs() {
        return List.of("host=" + infra.postgres.host(), "port=" + infra.postgres.port(), "database=" + DATABASE,
                "user=" + infra.postgres.user(), "password=" + infra.postgres.password(), "tables=public.big",
                "prefix=bfcrash", "slot=bfcrash_slot", "publication=bfcrash_pub", "snapshotMode=no_data",
                "bootstrap=" + infra.kafka.bootstrapServers(), "registry=" + infra.registry.url());
    }

    private static Path log(int run) {
        return Path.of("target", "crash-test", "backfill-run-" + run + ".log");
    }
}
