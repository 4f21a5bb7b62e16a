package dev.sluice.transforms.replicate.wire;

import dev.sluice.schemas.registry.SchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryException;
import dev.sluice.schemas.serde.AvroDeserializer;
import dev.sluice.schemas.serde.AvroSerializer;
import dev.sluice.schemas.wire.WireFormat;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a {@link RowBytes}: registers the row schema under the output topic's value subject (ids are cached by the
 * client, so only a new schema costs a call), as the decoding serde's writer does, and puts its id in the frame.
 * Reading gives the framed bytes with their writer schema.
 */
public final class RowBytesSerde implements Serde<RowBytes> {

    private final SchemaRegistryClient client;

    public RowBytesSerde(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public Serializer<RowBytes> serializer() {
        return (topic, row) -> row == null ? null
                : withId(row.framed(), register(client, AvroSerializer.subject(topic, false), row.schema(), topic));
    }

    @Override
    public Deserializer<RowBytes> deserializer() {
        return (topic, bytes) -> bytes == null ? null
                : new RowBytes(AvroDeserializer.writerSchema(client, WireFormat.schemaId(bytes), topic), bytes);
    }

    /** The id of {@code schema} under {@code subject}, registering it when new; fails as the Avro serializer does. */
    static int register(SchemaRegistryClient client, String subject, Schema schema, String topic) {
        try {
            return client.register(subject, schema);
        } catch (SchemaRegistryException e) {
            throw new SerializationException("cannot register the schema of a record for topic " + topic
                    + " under subject " + subject + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code id} into the frame header of {@code framed} (big-endian, after the magic byte). */
    static byte[] withId(byte[] framed, int id) {
        framed[1] = (byte) (id >>> 24);
        framed[2] = (byte) (id >>> 16);
        framed[3] = (byte) (id >>> 8);
        framed[4] = (byte) id;
        return framed;
    }
}
