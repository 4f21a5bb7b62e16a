package dev.sluice.schemas.serde;

import java.nio.ByteBuffer;
import java.util.Map;

import dev.sluice.schemas.registry.SchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryConfig;
import dev.sluice.schemas.registry.SchemaRegistryException;
import dev.sluice.schemas.wire.WireFormat;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka deserializer for the Schema Registry wire format: reads the schema id, fetches the writer
 * schema by id (cached) and decodes with it. Records come back as GenericRecord with Avro's generic
 * representation inside (decimals as ByteBuffer, dates as int) except that strings are
 * {@link String}s (see {@link WireFormat}); top-level bytes come back as byte[]. Null bytes give null. Bad bytes and unknown ids fail
 * with a {@link SerializationException} saying which, so a Streams handler can dead-letter them.
 */
public class AvroDeserializer implements Deserializer<Object> {

    private SchemaRegistryClient client;

    /** For Kafka's reflective construction; {@link #configure} must follow. */
    public AvroDeserializer() {
    }

    /** A deserializer with its own client. */
    public AvroDeserializer(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (client == null || configs.containsKey(SchemaRegistryConfig.SCHEMA_REGISTRY_URL)) {
            this.client = SchemaRegistryConfig.clientFrom(configs);
        }
    }

    @Override
    public Object deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        if (client == null) {
            throw new SerializationException("AvroDeserializer is not configured; set "
                    + SchemaRegistryConfig.SCHEMA_REGISTRY_URL + " in the consumer/serde configs");
        }
        int id = WireFormat.schemaId(bytes);
        Schema writer = writerSchema(client, id, topic);
        Object value = WireFormat.decode(bytes, writer, writer);
        if (value instanceof ByteBuffer buffer) {
            byte[] copy = new byte[buffer.remaining()];
            buffer.duplicate().get(copy);
            return copy;
        }
        return value;
    }

    /** The writer schema of id {@code id}, with an error that says the id is unknown when it is. */
    public static Schema writerSchema(SchemaRegistryClient client, int id, String topic) {
        try {
            return client.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SchemaRegistryException.SCHEMA_NOT_FOUND) {
                throw new SerializationException("a record of topic " + topic + " names schema id " + id
                        + ", which the Schema Registry does not know; it was written against another registry"
                        + " (or the registry's _schemas topic was lost)", e);
            }
            throw new SerializationException("cannot fetch schema id " + id + " for a record of topic " + topic
                    + ": " + e.getMessage(), e);
        }
    }
}
