package dev.sluice.sink.load;

import dev.sluice.schemas.connect.AvroConverter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/** Produces Connect Structs as Avro in the Schema Registry wire format, as stream-transforms writes row topics. */
public final class RowProducer implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final AvroConverter keys = new AvroConverter();
    private final AvroConverter values = new AvroConverter();
    private final Map<TopicPartition, Long> endOffsets = new ConcurrentHashMap<>();

    public RowProducer(String bootstrapServers, String registryUrl) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "20",
                ProducerConfig.BATCH_SIZE_CONFIG, "262144", ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                new ByteArraySerializer(), new ByteArraySerializer());
        keys.configure(Map.of("schema.registry.url", registryUrl), true);
        values.configure(Map.of("schema.registry.url", registryUrl), false);
    }

    /** Sends asynchronously; {@link #flush()} waits for every send and then {@link #endOffsets()} is exact. */
    public void send(String topic, Schema keySchema, Struct key, Schema valueSchema, Struct value) {
        producer.send(new ProducerRecord<>(topic, keys.fromConnectData(topic, keySchema, key),
                values.fromConnectData(topic, valueSchema, value)), (md, e) -> {
                    if (e == null) {
                        endOffsets.merge(new TopicPartition(md.topic(), md.partition()), md.offset() + 1, Math::max);
                    }
                });
    }

    /** Sends pre-encoded bytes (an encoded record may be sent many times without re-encoding). */
    public void sendRaw(String topic, byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), (md, e) -> {
            if (e == null) {
                endOffsets.merge(new TopicPartition(md.topic(), md.partition()), md.offset() + 1, Math::max);
            }
        });
    }

    public byte[] encodeKey(String topic, Schema schema, Struct key) {
        return keys.fromConnectData(topic, schema, key);
    }

    public byte[] encodeValue(String topic, Schema schema, Struct value) {
        return values.fromConnectData(topic, schema, value);
    }

    public void flush() {
        producer.flush();
    }

    /** Next offset per partition of everything sent and acknowledged so far. */
    public Map<TopicPartition, Long> endOffsets() {
        return Map.copyOf(endOffsets);
    }

    @Override
    public void close() {
        producer.close();
    }
}
