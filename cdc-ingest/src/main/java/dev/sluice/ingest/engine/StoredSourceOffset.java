package dev.sluice.ingest.engine;

import dev.sluice.ingest.IngestSettings;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.IsolationLevel;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The source offset the engine will resume from, read the way {@link KafkaOffsetStore} reads it (read_committed),
 * for decisions taken before the engine starts: whether this is the first start, and whether an incremental
 * snapshot was under way. Read it only after the publisher's producer initialised its transactions, so that a
 * predecessor's open transaction is resolved.
 */
public final class StoredSourceOffset {

    /** Debezium's offset key listing the tables an incremental snapshot still has to read; absent when none runs. */
    private static final String SNAPSHOT_COLLECTIONS = "incremental_snapshot_collections";

    private final String json;

    private StoredSourceOffset(String json) {
        this.json = json;
    }

    /** The stored offset of this engine, if it ever committed one. */
    public static Optional<StoredSourceOffset> read(IngestSettings settings) {
        Map<String, Object> config = new HashMap<>(settings.kafkaProperties());
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, "sluice-ingest-offsets-check");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        String prefix = "[\"" + EngineProperties.ENGINE_NAME + "\"";
        for (Map.Entry<ByteBuffer, ByteBuffer> e : KafkaOffsetStore.readCommitted(config, settings.offsetsTopic()).entrySet()) {
            if (text(e.getKey()).startsWith(prefix)) {
                return Optional.of(new StoredSourceOffset(text(e.getValue())));
            }
        }
        return Optional.empty();
    }

    /** True when an incremental snapshot of {@code table} (named {@code schema.table}) was under way at this offset. */
    public boolean snapshotting(String table) {
        int at = json.indexOf(SNAPSHOT_COLLECTIONS);
        return at >= 0 && (json.indexOf("\"" + table + "\"", at) >= 0 || json.indexOf("\\\"" + table + "\\\"", at) >= 0);
    }

    private static String text(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
