package dev.sluice.schemas.serde;

import java.util.Map;

import dev.sluice.schemas.registry.SchemaRegistryClient;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka Streams serde for Avro GenericRecords in the Schema Registry wire format: an
 * {@link AvroSerializer} and {@link AvroDeserializer} pair. Configure with
 * {@code configure(Map.of("schema.registry.url", url), isKey)}.
 */
public class GenericAvroSerde implements Serde<GenericRecord> {

    private final AvroSerializer serializer;
    private final AvroDeserializer deserializer;

    /** For reflective construction (default.key.serde / default.value.serde); configure must follow. */
    public GenericAvroSerde() {
        this.serializer = new AvroSerializer();
        this.deserializer = new AvroDeserializer();
    }

    /** A serde on a given client (shares its caches); configure is optional. */
    public GenericAvroSerde(SchemaRegistryClient client, boolean isKey) {
        this.serializer = new AvroSerializer(client, isKey);
        this.deserializer = new AvroDeserializer(client);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<GenericRecord> serializer() {
        return new Serializer<>() {
            @Override
            public void configure(Map<String, ?> configs, boolean isKey) {
                serializer.configure(configs, isKey);
            }

            @Override
            public byte[] serialize(String topic, GenericRecord data) {
                return serializer.serialize(topic, data);
            }
        };
    }

    @Override
    public Deserializer<GenericRecord> deserializer() {
        return new Deserializer<>() {
            @Override
            public void configure(Map<String, ?> configs, boolean isKey) {
                deserializer.configure(configs, isKey);
            }

            @Override
            public GenericRecord deserialize(String topic, byte[] bytes) {
                Object value = deserializer.deserialize(topic, bytes);
                if (value == null || value instanceof GenericRecord) {
                    return (GenericRecord) value;
                }
                throw new SerializationException("a record of topic " + topic + " holds an Avro "
                        + value.getClass().getSimpleName() + ", not a record; read it with AvroDeserializer instead");
            }
        };
    }
}
