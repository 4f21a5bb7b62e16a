package dev.sluice.transforms.replicate.wire;

import dev.sluice.schemas.registry.SchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryConfig;
import dev.sluice.schemas.serde.AvroDeserializer;
import dev.sluice.schemas.serde.AvroSerializer;
import dev.sluice.schemas.wire.AvroCursor;
import dev.sluice.schemas.wire.WireFormat;
import dev.sluice.schemas.wire.WireFormatException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Keys that pass through unchanged, as framed bytes. Reading checks them as decoding would (frame, known schema id,
 * an Avro body that matches the schema). Writing registers the key's schema under the output topic's key subject,
 * as the decoding serde's writer does, and gives the bytes back, with the id that subject has for the schema.
 */
public final class FramedKeySerde implements Serde<byte[]> {

    private SchemaRegistryClient client;

    public FramedKeySerde(SchemaRegistryClient client) {
        this.client = client;
    }

    /** For {@link #configure}: the client comes from {@value SchemaRegistryConfig#SCHEMA_REGISTRY_URL}. */
    public FramedKeySerde() {
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (client == null || configs.containsKey(SchemaRegistryConfig.SCHEMA_REGISTRY_URL)) {
            client = SchemaRegistryConfig.clientFrom(configs);
        }
    }

    @Override
    public Deserializer<byte[]> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            int id = WireFormat.schemaId(bytes);
            Schema schema = AvroDeserializer.writerSchema(client, id, topic);
            AvroCursor cursor = new AvroCursor(bytes, WireFormat.HEADER_SIZE, bytes.length);
            cursor.skip(schema);
            if (!cursor.atEnd()) {
                throw new WireFormatException("record with schema id " + id + " has bytes left after its Avro body;"
                        + " it was not written with schema " + schema.getFullName());
            }
            return bytes;
        };
    }

    @Override
    public Serializer<byte[]> serializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            int id = WireFormat.schemaId(bytes);
            Schema schema = AvroDeserializer.writerSchema(client, id, topic);
            int outputId = RowBytesSerde.register(client, AvroSerializer.subject(topic, true), schema, topic);
            return outputId == id ? bytes : RowBytesSerde.withId(bytes.clone(), outputId);
        };
    }
}
