package dev.sluice.ingest.crash;

import dev.sluice.ingest.IngestInfrastructure;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Exactly-once ingestion under crashes: the ingest service runs in a JVM of its own and is killed
 * with SIGKILL at random moments while a mixed workload (COPY batches, large and small
 * transactions, updates, deletes) runs, then restarted. A read_committed consumer must find every
 * source change exactly once, in source order per key. Figures go to the test output; logs of each
 * ingest run to {@code target/crash-test/}. Knobs for a quick local loop: {@code -Dcrash.rounds}
 * (fewer changes: the 200,000 assertion then fails on purpose), {@code -Dcrash.debug=true}.
 */
class ExactlyOnceCrashIT {

    private static final String DATABASE = "crash";
    private static final String TOPIC = "crash.public.items";
    private static final int SEED_ROWS = 1_000;
    private static final int ROUNDS = Integer.getInteger("crash.rounds", 30);
    private static final int KILLS = 6;
    /** The workload stays at most this many changes ahead of what was read, so it runs while the kills happen. */
    private static final int MAX_BACKLOG = 20_000;

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
    void everySourceChangeArrivesExactlyOnceInSourceOrderThoughIngestIsKilledRepeatedly() throws Exception {
        long started = System.nanoTime();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        infra.postgres.createDatabase(DATABASE);
        CrashWorkload workload = new CrashWorkload(seed);
        try (Connection c = infra.postgres.connect(DATABASE)) {
            workload.seed(c, SEED_ROWS);
        }
        infra.kafka.createTopic(TOPIC, 1);

        int runs = 0;
        int kills = 0;
        int unexpectedExits = 0;
        int killsDuringLoad = 0;
        IngestChild child = null;
        try (ChangeCollector collector = new ChangeCollector(infra.kafka.bootstrapServers(), infra.registry.url(), TOPIC)) {
            child = IngestChild.start(childArgs(), log(runs++));
            await().atMost(Duration.ofMinutes(2)).until(() -> collector.count() >= SEED_ROWS);

            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                try (Connection c = infra.postgres.connect(DATABASE)) {
                    for (int i = 0; i < ROUNDS; i++) {
                        workload.round(c);
                        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                                .until(() -> collector.count() >= SEED_ROWS + workload.changes() - MAX_BACKLOG);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException("The workload failed", e);
                }
            });

            while (kills < KILLS) {
                // a random moment while the child makes progress: after 1 to 30,000 more changes,
                // so the kills spread over the workload (about 200,000 changes)
                long base = collector.count();
                long progress = 1 + random.nextInt(30_000);
                IngestChild current = child;
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                        .until(() -> collector.count() >= base + progress || !current.isAlive()
                                || (load.isDone() && collector.count() >= SEED_ROWS + workload.changes()));
                if (!current.isAlive()) {
                    unexpectedExits++;
                } else {
                    long jitter = random.nextInt(1_000);
                    await().pollDelay(Duration.ofMillis(jitter)).atMost(Duration.ofMillis(jitter + 1_000)).until(() -> true);
                    current.kill();
                    kills++;
                    killsDuringLoad += load.isDone() ? 0 : 1;
                }
                child = IngestChild.start(childArgs(), log(runs++));
            }

            load.get();
            long sentinel;
            String walBeforeSentinel;
            try (Connection c = infra.postgres.connect(DATABASE)) {
                walBeforeSentinel = queryString(c, "SELECT pg_current_wal_lsn()::text");
                sentinel = workload.sentinel(c);
            }
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> collector.seen(sentinel));
            // the slot follows the committed offsets: WAL is released once Kafka holds the changes
            try (Connection c = infra.postgres.connect(DATABASE)) {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> "true".equals(queryString(c,
                        "SELECT (confirmed_flush_lsn > '" + walBeforeSentinel + "'::pg_lsn)::text FROM pg_replication_slots"
                                + " WHERE slot_name = 'crash_slot'")));
            }
            child.stop();
            child = null;
            collector.close();

            // what killed processes wrote in transactions that never committed: invisible above
            long aborted = recordsReadUncommitted() - collector.count();
            Map<Long, List<String>> expected = workload.expected();
            Map<Long, List<String>> actual = collector.changes();
            List<String> wrong = new ArrayList<>();
            TreeSet<Long> keys = new TreeSet<>(expected.keySet());
            keys.addAll(actual.keySet());
            long expectedTotal = 0;
            for (long key : keys) {
                List<String> want = expected.getOrDefault(key, List.of());
                List<String> got = actual.getOrDefault(key, List.of());
                expectedTotal += want.size();
                if (!want.equals(got) && wrong.size() < 20) {
                    wrong.add("key " + key + ": expected " + want + " but read " + got);
                }
            }
            System.out.printf("Crash test: %d workload changes + %d snapshot rows, %d SIGKILLs (%d while writing), %d ingest runs,"
                            + " %d unexpected exits, %d records in aborted transactions, %d s (seed %d)%n",
                    workload.changes(), SEED_ROWS, kills, killsDuringLoad, runs, unexpectedExits, aborted, Duration.ofNanos(System.nanoTime() - started).toSeconds(), seed);
            assertThat(wrong).as("keys whose changes were missing, doubled or out of order").isEmpty();
            assertThat(collector.count()).isEqualTo(expectedTotal);
            assertThat(workload.changes()).isGreaterThanOrEqualTo(200_000);
            assertThat(kills).isGreaterThanOrEqualTo(5);
            assertThat(aborted).as("records of Kafka transactions cut off by a kill").isPositive();
            assertThat(killsDuringLoad).as("kills while the workload was writing").isGreaterThanOrEqualTo(5);
        } finally {
            if (child != null) {
                child.kill();
            }
        }
    }

    private static String queryString(Connection c, String sql) throws java.sql.SQLException {
        try (java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long recordsReadUncommitted() {
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long[] count = {0};
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                count[0] += consumer.poll(Duration.ofMillis(200)).count();
                return consumer.position(partition) >= end;
            });
            return count[0];
        }
    }

    private static List<String> childArgs() {
        return List.of("host=" + infra.postgres.host(), "port=" + infra.postgres.port(), "database=" + DATABASE,
                "user=" + infra.postgres.user(), "password=" + infra.postgres.password(), "tables=public.items",
                "prefix=crash", "slot=crash_slot", "publication=crash_pub",
                "bootstrap=" + infra.kafka.bootstrapServers(), "registry=" + infra.registry.url());
    }

    private static Path log(int run) {
        return Path.of("target", "crash-test", "ingest-run-" + run + ".log");
    }
}
