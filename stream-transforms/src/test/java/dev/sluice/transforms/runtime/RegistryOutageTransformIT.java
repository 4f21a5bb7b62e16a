package dev.sluice.transforms.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.KafkaTestCluster;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.schemas.serde.AvroSerializer;
import dev.sluice.schemas.serde.GenericAvroSerde;
import dev.sluice.transforms.errors.DeadLetters;
import dev.sluice.transforms.errors.RegistryOutage;
import dev.sluice.transforms.replicate.ReplicationSpec;
import dev.sluice.transforms.testkit.Envelopes;
import dev.sluice.transforms.unwrap.ChangeUnwrapper;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outage is never a bad record: the Schema Registry stops while the replication pipeline restarts (its new
 * serdes know no schema yet), stays away for 30 s, and comes back on the same address. Meanwhile nothing reaches
 * {@code replica.dlq} and the pipeline reports the outage; afterwards every change arrives exactly once.
 */
class RegistryOutageTransformIT {

    private static final String ORDERS = "sluice.public.orders";
    private static final Envelopes orders = Envelopes.forTable("public", "orders");
    private static final long T0 = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();

    private static KafkaTestCluster kafka;
    private static EmbeddedSchemaRegistry registry;
    private static SimpleMeterRegistry meters;
    private static KafkaProducer<Object, Object> producer;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void start() {
        meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);
        kafka = KafkaTestCluster.start();
        registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
        kafka.createTopic(ORDERS, 2);
        // one producer throughout: its serializers keep the schema ids, so it writes on while the registry is away
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                serializer(true), serializer(false));
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {producer, registry, kafka}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
        Metrics.removeRegistry(meters);
    }

    @Test
    void aRegistryStoppedWhileTransformsRestartDeadLettersNothingAndEveryChangeArrivesOnce() {
        List<Long> versions = new ArrayList<>();
        produce(1, 10, versions);
        try (TransformService service = new TransformService(config())) {
            service.start();
            await().atMost(Duration.ofSeconds(90)).until(() -> rowVersions().size() == 10);
        }

        String url = registry.url();
        int port = registry.port();
        registry.close();
        produce(11, 20, versions);
        try (TransformService service = new TransformService(config())) {
            service.start();
            RegistryOutage outage = RegistryOutage.of("replica");
            await().atMost(Duration.ofSeconds(60)).until(outage::isDown);
            // thirty seconds without a registry: the records wait; none is dead-lettered, none passes
            await().pollDelay(Duration.ofSeconds(30)).atMost(Duration.ofSeconds(40)).untilAsserted(() -> {
                assertThat(outage.isDown()).isTrue();
                assertThat(meters.get(RegistryOutage.GAUGE).tag("pipeline", "replica").gauge().value()).isZero();
                assertThat(endOffset(DeadLetters.topic("replica"))).isZero();
            });

            registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), port);
            assertThat(registry.url()).isEqualTo(url);
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() ->
                    assertThat(rowVersions()).containsExactlyInAnyOrderElementsOf(versions));
            await().atMost(Duration.ofSeconds(30)).until(() -> !outage.isDown());
            assertThat(endOffset(DeadLetters.topic("replica"))).isZero();
            assertThat(service.failure()).isEmpty();
        }
    }

    private TransformConfig config() {
        return TransformConfig.of(kafka.bootstrapServers(), registry.url())
                .withSpec(ReplicationSpec.defaults())
                .withStateDir(stateDir.resolve("state"))
                .withTopicPollInterval(Duration.ofMillis(500));
    }

    private static void produce(int fromId, int toId, List<Long> versions) {
        for (int id = fromId; id <= toId; id++) {
            long lsn = 1000L + 8 * id;
            GenericRecord insert = orders.insert(id, id + ".00", lsn, T0 + id);
            producer.send(new ProducerRecord<>(ORDERS, null, T0 + id, orders.key(id), insert));
            versions.add(lsn);
        }
        producer.flush();
    }

    /** The __version of every row in replica.public.orders (read_committed), duplicates included. */
    private static List<Long> rowVersions() {
        List<Long> seen = new ArrayList<>();
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<GenericRecord, GenericRecord> consumer =
                     new KafkaConsumer<>(props, deserializer(true), deserializer(false))) {
            List<TopicPartition> partitions = consumer.partitionsFor("replica.public.orders").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.value() != null) {
                        seen.add((Long) r.value().get(ChangeUnwrapper.VERSION));
                    }
                });
            }
        }
        return seen;
    }

    private static long endOffset(String topic) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            return consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static AvroSerializer serializer(boolean isKey) {
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of("schema.registry.url", registry.url()), isKey);
        return serializer;
    }

    private static Deserializer<GenericRecord> deserializer(boolean isKey) {
        GenericAvroSerde serde = new GenericAvroSerde();
        serde.configure(Map.of("schema.registry.url", registry.url()), isKey);
        return serde.deserializer();
    }
}
