package dev.sluice.cli.service;

import dev.sluice.cli.PipelineInfrastructure;
import dev.sluice.cli.chaos.ServiceProcess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two {@code sluice ingest} processes on one slot, each its own JVM: the second waits as standby while the first
 * captures (and does not disturb it), takes over within 30 s of the first's SIGKILL, and no change is lost.
 */
class IngestStandbyIT {

    private static final String DB = "standby";
    private static final String TOPIC = "sluice.public.items";

    private static PipelineInfrastructure infra;

    @BeforeAll
    static void start() throws Exception {
        infra = PipelineInfrastructure.start(DB);
        sql("CREATE TABLE public.items (id int PRIMARY KEY, v text NOT NULL)");
        insert(1, 100);
    }

    @AfterAll
    static void stop() {
        if (infra != null) {
            infra.close();
        }
    }

    private static ServiceProcess ingest(String name, Path dir) {
        return new ServiceProcess(name, List.of("ingest", "--bootstrap-servers", infra.kafka.bootstrapServers(),
                "--registry-url", infra.registry.url(), "--http-port", "0",
                "--source-url", "postgresql://" + infra.postgres.user() + "@localhost:" + infra.postgres.port() + "/" + DB,
                "--tables", "public.items", "--heartbeat-interval", "1s"), dir.resolve(name + ".log"));
    }

    @Test
    void aSecondIngestWaitsAsStandbyAndTakesOverAfterTheActiveOnesSigkill(@TempDir Path dir) throws Exception {
        try (ServiceProcess active = ingest("ingest-a", dir); ServiceProcess standby = ingest("ingest-b", dir)) {
            active.start();
            await().atMost(Duration.ofMinutes(3)).until(() -> slotActive() && active.output().contains("capturing"));

            standby.start();
            await().atMost(Duration.ofMinutes(2)).until(() -> standby.output().contains("sluice ingest is standby"));
            insert(101, 200); // captured by the active one while the standby waits
            await().atMost(Duration.ofMinutes(2)).until(() -> distinctKeys() == 200);
            assertThat(active.isAlive()).as("the active one keeps capturing beside the standby").isTrue();
            assertThat(active.output()).doesNotContain("stops:");
            assertThat(standby.isAlive()).isTrue();
            assertThat(standby.output()).as("the standby never captured while the active one lived").doesNotContain("capturing");

            active.kill();
            long killed = System.nanoTime();
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> standby.output().contains("capturing"));
            System.out.printf("IngestStandbyIT: the standby took the capture lease %d ms after the active one's SIGKILL%n",
                    (System.nanoTime() - killed) / 1_000_000);
            insert(201, 300);
            await().atMost(Duration.ofMinutes(2)).until(() -> distinctKeys() == 300);
            System.out.printf("IngestStandbyIT: changes made after the kill reached Kafka %d ms after it%n",
                    (System.nanoTime() - killed) / 1_000_000);
            assertThat(standby.isAlive()).isTrue();
            assertThat(standby.output()).doesNotContain("stops:");
        }
    }

    private static boolean slotActive() throws Exception {
        try (Connection c = infra.postgres.connect(DB); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE active")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    private static void insert(int from, int to) throws Exception {
        sql("INSERT INTO public.items SELECT g, 'v' || g FROM generate_series(" + from + ", " + to + ") g");
    }

    private static void sql(String statement) throws Exception {
        try (Connection c = infra.postgres.connect(DB); Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    /** Distinct record keys (one per row id) committed to the change topic so far. */
    private static int distinctKeys() {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Set<String> keys = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            if (!consumer.listTopics(Duration.ofSeconds(10)).containsKey(TOPIC)) {
                return 0;
            }
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(TOPIC, Duration.ofSeconds(10)).forEach(p -> partitions.add(new TopicPartition(TOPIC, p.partition())));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && r.value() != null) {
                        keys.add(Base64.getEncoder().encodeToString(r.key()));
                    }
                }
            }
        }
        return keys.size();
    }
}
