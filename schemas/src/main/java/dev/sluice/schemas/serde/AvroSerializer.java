package dev.sluice.schemas.serde;

import java.util.Map;

import dev.sluice.schemas.registry.SchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryConfig;
import dev.sluice.schemas.registry.SchemaRegistryException;
import dev.sluice.schemas.wire.WireFormat;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serializer writing the Schema Registry wire format. Accepts GenericRecord (any Avro
 * GenericContainer) and primitives (String, Integer, Long, Float, Double, Boolean, byte[]/ByteBuffer).
 * The value's schema is registered, if new, under subject {@code <topic>-key} or {@code <topic>-value}
 * (config {@value SchemaRegistryConfig#SCHEMA_REGISTRY_URL}); ids are cached, so only a new schema
 * costs a registry call. A null value becomes null bytes (a tombstone). Failures are
 * {@link SerializationException}s naming the subject.
 */
public class AvroSerializer implements Serializer<Object> {

    private SchemaRegistryClient client;
    private boolean isKey;

    /** For Kafka's reflective construction; {@link #configure} must follow. */
    public AvroSerializer() {
    }

    /** A serializer with its own client; {@link #configure} is then optional (it only sets isKey). */
    public AvroSerializer(SchemaRegistryClient client, boolean isKey) {
        this.client = client;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        if (client == null || configs.containsKey(SchemaRegistryConfig.SCHEMA_REGISTRY_URL)) {
            this.client = SchemaRegistryConfig.clientFrom(configs);
        }
    }

    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new SerializationException("AvroSerializer is not configured; set "
                    + SchemaRegistryConfig.SCHEMA_REGISTRY_URL + " in the producer/serde configs");
        }
        Schema schema = AvroSchemas.of(data);
        String subject = subject(topic, isKey);
        int id;
        try {
            id = client.register(subject, schema);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("cannot register the schema of a record for topic " + topic
                    + " under subject " + subject + ": " + e.getMessage(), e);
        }
        return WireFormat.encode(id, schema, AvroSchemas.writable(data));
    }

    /** The subject (topic-name strategy) of a topic's keys or values. */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }
}
