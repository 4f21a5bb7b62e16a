package dev.sluice.transforms.replicate.wire;

import dev.sluice.schemas.registry.SchemaRegistryClient;
import dev.sluice.schemas.serde.AvroDeserializer;
import dev.sluice.schemas.wire.WireFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Change envelopes as {@link ChangeBytes}: reading checks the frame, fetches the writer schema by id (once per id)
 * and walks the bytes once, so bytes that are not Avro of their schema fail here, as the decoding deserializer's
 * would (and go to the DLQ as a deserialization error); writing gives back the bytes read.
 */
public final class ChangeBytesSerde implements Serde<ChangeBytes> {

    private final Map<Integer, EnvelopeLayout> layouts = new ConcurrentHashMap<>();
    private final SchemaRegistryClient client;

    public ChangeBytesSerde(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public Serializer<ChangeBytes> serializer() {
        return (topic, change) -> change == null ? null : change.framed();
    }

    @Override
    public Deserializer<ChangeBytes> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            int id = WireFormat.schemaId(bytes);
            EnvelopeLayout layout = layouts.get(id);
            if (layout == null) {
                layout = new EnvelopeLayout(id, AvroDeserializer.writerSchema(client, id, topic));
                layouts.put(id, layout);
            }
            return layout.read(bytes);
        };
    }
}
