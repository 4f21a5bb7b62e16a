package dev.sluice.transforms.replicate.wire;

import dev.sluice.schemas.registry.SchemaRegistryClient;
import dev.sluice.schemas.serde.AvroDeserializer;
import dev.sluice.schemas.serde.AvroSerializer;
import dev.sluice.schemas.wire.AvroCursor;
import dev.sluice.schemas.wire.WireFormat;
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

    private final SchemaRegistryClient client;

    public FramedKeySerde(SchemaRegistryClient client) {
        this.client = client;
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
            cursor.requireEnd(id, schema);
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
