package dev.sluice.ingest;

import dev.sluice.schemas.connect.AvroConverter;
import dev.sluice.schemas.serde.AvroDeserializer;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.data.Struct;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/**
 * Reads one single-partition change topic from a given offset, decoding every record twice through
 * the registry: as Avro (AvroDeserializer, what any consumer sees) and as Connect data
 * (AvroConverter, typed: decimals as BigDecimal).
 */
final class ChangeTopicReader implements AutoCloseable {

    /** One decoded change record. */
    record Change(long offset, long timestamp, byte[] rawValue, GenericRecord key, GenericRecord value,
                  Struct keyStruct, Struct valueStruct) {
        String op() {
            return value.get("op").toString();
        }

        long sourceTsMs() {
            return (Long) ((GenericRecord) value.get("source")).get("ts_ms");
        }

        Object keyField(String name) {
            return keyStruct.get(name);
        }
    }

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroDeserializer avro = new AvroDeserializer();
    private final AvroConverter keyConverter = new AvroConverter();
    private final AvroConverter valueConverter = new AvroConverter();
    private final List<Change> changes = new ArrayList<>();

    ChangeTopicReader(String bootstrapServers, String registryUrl, String topic, long fromOffset) {
        this.topic = topic;
        Map<String, String> registry = Map.of("schema.registry.url", registryUrl);
        avro.configure(registry, false);
        keyConverter.configure(registry, true);
        valueConverter.configure(registry, false);
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seek(partition, fromOffset);
    }

    /** Polls until {@code done} holds for everything read so far; returns that. */
    List<Change> readUntil(Predicate<List<Change>> done) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (r.value() == null) {
                    continue; // a source heartbeat
                }
                changes.add(new Change(r.offset(), r.timestamp(), r.value(),
                        (GenericRecord) avro.deserialize(topic, r.key()),
                        (GenericRecord) avro.deserialize(topic, r.value()),
                        (Struct) keyConverter.toConnectData(topic, r.key()).value(),
                        (Struct) valueConverter.toConnectData(topic, r.value()).value()));
            }
            return done.test(changes);
        });
        return List.copyOf(changes);
    }

    List<Change> readAtLeast(int count) {
        return readUntil(list -> list.size() >= count);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
