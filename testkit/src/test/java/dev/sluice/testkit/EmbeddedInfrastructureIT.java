package dev.sluice.testkit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.sluice.embedded.ConnectWorker;
import dev.sluice.embedded.PortCheck;
import dev.sluice.embedded.PostgresServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class EmbeddedInfrastructureIT {

    private static KafkaTestCluster kafka;
    private static PostgresServer postgres;

    @BeforeAll
    static void start() {
        kafka = KafkaTestCluster.start();
        postgres = PostgresServer.startThrowaway();
    }

    @AfterAll
    static void stop() {
        postgres.close();
        kafka.close();
    }

    @Test
    void brokerAcceptsTransactionalWritesAndServesThemReadCommitted() {
        kafka.createTopic("smoke", 2);
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "smoke-tx"), new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("smoke", "k", "committed"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("smoke", "k", "aborted"));
            producer.abortTransaction();
        }
        List<String> seen = new ArrayList<>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "smoke",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("smoke"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    seen.add(r.value());
                }
                return seen.contains("committed");
            });
        }
        assertThat(seen).containsExactly("committed");
    }

    @Test
    void postgresIsReadyForLogicalReplication() throws Exception {
        postgres.createDatabase("shop");
        try (Connection c = postgres.connect("shop"); ResultSet rs = c.createStatement().executeQuery("SHOW wal_level")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("logical");
        }
    }

    @Test
    void connectWorkerStartsAgainstTheBroker(@TempDir Path dir) {
        try (ConnectWorker worker = ConnectWorker.start(kafka.bootstrapServers(), dir, Map.of())) {
            assertThat(worker.restUrl()).startsWith("http://");
        }
    }

    @Test
    void aTakenPortIsRefusedWithTheOptionToChange() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            assertThatThrownBy(() -> PortCheck.requireFree(taken.getLocalPort(), "Kafka", "--kafka-port"))
                    .hasMessageContaining("already in use")
                    .hasMessageContaining("--kafka-port");
        }
    }
}
