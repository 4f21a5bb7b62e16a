package dev.sluice.ingest.engine;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.util.SharedTopicAdmin;
import org.apache.kafka.connect.util.TopicAdmin;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Connect's {@link KafkaOffsetBackingStore} (source offsets in a compacted topic) that closes the
 * admin client it uses when it stops. Debezium 3.6's embedded engine builds the stock store with
 * an admin client that nobody closes, so every engine stop leaks a client thread that keeps
 * reconnecting; the engine instantiates this class by name ({@code offset.storage}) instead.
 * Client security settings ({@code security.*}, {@code ssl.*}, {@code sasl.*}) given to the
 * engine reach the admin client too.
 */
public class KafkaOffsetStore extends KafkaOffsetBackingStore {

    private final ClosableAdmin admin;

    /** For the engine's reflective construction. */
    public KafkaOffsetStore() {
        this(new ClosableAdmin());
    }

    private KafkaOffsetStore(ClosableAdmin admin) {
        super(admin, () -> "sluice-ingest-", offsetKeyConverter());
        this.admin = admin;
    }

    @Override
    public void configure(WorkerConfig config) {
        admin.open(config);
        super.configure(config);
    }

    @Override
    public void stop() {
        try {
            super.stop();
        } finally {
            admin.close();
        }
    }

    private static Converter offsetKeyConverter() {
        // offset keys are schemaless JSON, as the engine's offset writer stores them
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", "false"), true);
        return converter;
    }

    /** The admin client, created from the worker config and closed with the store. */
    private static final class ClosableAdmin implements Supplier<TopicAdmin> {
        private SharedTopicAdmin shared;

        synchronized void open(WorkerConfig config) {
            Map<String, Object> props = new HashMap<>();
            config.originals().forEach((key, value) -> {
                if (key.startsWith("security.") || key.startsWith("ssl.") || key.startsWith("sasl.")) {
                    props.put(key, value);
                }
            });
            props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    String.join(",", config.getList(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)));
            props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "sluice-ingest-offsets-admin");
            shared = new SharedTopicAdmin(props);
        }

        @Override
        public synchronized TopicAdmin get() {
            if (shared == null) {
                throw new IllegalStateException("The offset store is used before it was configured.");
            }
            return shared.get();
        }

        synchronized void close() {
            if (shared != null) {
                shared.close();
                shared = null;
            }
        }
    }
}
