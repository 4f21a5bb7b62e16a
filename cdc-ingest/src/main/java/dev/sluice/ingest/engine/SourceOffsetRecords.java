package dev.sluice.ingest.engine;

import org.apache.kafka.connect.json.JsonConverter;

import java.util.Arrays;
import java.util.Map;

/**
 * Encodes a source offset as a record of the offsets topic, byte for byte as Connect's offset
 * writer does for the engine: key = JSON {@code ["sluice-ingest", <source partition>]}, value =
 * JSON of the offset map (schemaless). {@link KafkaOffsetStore} hands these bytes to the engine,
 * which decodes them with the same converter.
 */
public final class SourceOffsetRecords {

    private final JsonConverter keys = new JsonConverter();
    private final JsonConverter values = new JsonConverter();

    public SourceOffsetRecords() {
        keys.configure(Map.of("schemas.enable", "false"), true);
        values.configure(Map.of("schemas.enable", "false"), false);
    }

    public byte[] key(Map<String, ?> sourcePartition) {
        return keys.fromConnectData(EngineProperties.ENGINE_NAME, null,
                Arrays.asList(EngineProperties.ENGINE_NAME, sourcePartition));
    }

    public byte[] value(Map<String, ?> sourceOffset) {
        return values.fromConnectData(EngineProperties.ENGINE_NAME, null, sourceOffset);
    }
}
