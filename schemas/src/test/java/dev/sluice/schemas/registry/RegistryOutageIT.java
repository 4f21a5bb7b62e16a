package dev.sluice.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import dev.sluice.testkit.KafkaTestCluster;
import dev.sluice.schemas.serde.AvroDeserializer;
import dev.sluice.schemas.serde.AvroSerializer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A registry that goes away while records are being written: records of a schema already registered go on
 * without it (ids are cached), a record with a new schema waits, retrying, until the registry is back, and
 * every record written is read back afterwards. Nothing is lost, nothing needs a restart.
 */
class RegistryOutageIT {

    private static final String TOPIC = "outage";
    private static KafkaTestCluster kafka;
    private static EmbeddedSchemaRegistry registry;

    @BeforeAll
    static void start() {
        kafka = KafkaTestCluster.start();
        registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
        kafka.createTopic(TOPIC, 1);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void aBrieflyMissingRegistryDelaysNewSchemasAndLosesNothing() throws Exception {
        Schema v1 = SchemaBuilder.record("Event").namespace("outage").fields().requiredInt("n").endRecord();
        Schema v2 = SchemaBuilder.record("Event").namespace("outage").fields().requiredInt("n")
                .name("note").type().optional().stringType().endRecord();
        String url = registry.url();
        int port = registry.port();
        AtomicInteger sent = new AtomicInteger();
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of("schema.registry.url", url, "schema.registry.retry.timeout.ms", "60000"), false);

        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(props, new StringSerializer(), serializer)) {
            send(producer, v1, 0, 10, sent);
            registry.close(); // the registry goes away while the writer goes on

            Thread[] writer = new Thread[1];
            CompletableFuture<Void> rest = CompletableFuture.runAsync(() -> {
                writer[0] = Thread.currentThread();
                send(producer, v1, 10, 20, sent); // known schema: needs no registry
                send(producer, v2, 20, 30, sent); // new schema: must wait for the registry
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() == 20);
            // the writer is now backing off between attempts to register v2
            await().atMost(Duration.ofSeconds(30)).until(() -> writer[0].getState() == Thread.State.TIMED_WAITING);
            assertThat(rest).isNotDone();

            registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), port);
            rest.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(sent.get()).isEqualTo(30);

        List<GenericRecord> read = readAll(registry.url(), 30);
        assertThat(read).hasSize(30);
        for (int i = 0; i < 30; i++) {
            assertThat(read.get(i).get("n")).isEqualTo(i);
            assertThat(read.get(i).getSchema().getField("note") != null).isEqualTo(i >= 20);
        }
    }

    private static void send(KafkaProducer<String, Object> producer, Schema schema, int from, int to, AtomicInteger sent) {
        for (int i = from; i < to; i++) {
            GenericRecord r = new GenericData.Record(schema);
            r.put("n", i);
            try {
                producer.send(new ProducerRecord<>(TOPIC, "k", r)).get();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            sent.incrementAndGet();
        }
    }

    private static List<GenericRecord> readAll(String url, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        AvroDeserializer deserializer = new AvroDeserializer(); // a fresh client: ids come from the restarted registry
        deserializer.configure(Map.of("schema.registry.url", url), false);
        List<GenericRecord> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records.add((GenericRecord) deserializer.deserialize(TOPIC, r.value()));
                }
                return records.size() >= expected;
            });
        }
        return records;
    }
}
