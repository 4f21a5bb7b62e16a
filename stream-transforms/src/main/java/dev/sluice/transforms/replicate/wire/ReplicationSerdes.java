package dev.sluice.transforms.replicate.wire;

import dev.sluice.schemas.registry.SchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryConfig;
import java.util.Map;

/**
 * What the replication topology reads and writes with: change keys and envelopes as bytes in, rows as bytes out,
 * all against one Schema Registry client (one cache of schemas by id and of ids by subject).
 */
public record ReplicationSerdes(FramedKeySerde keys, ChangeBytesSerde changes, RowBytesSerde rows) {

    public static ReplicationSerdes of(SchemaRegistryClient client) {
        return new ReplicationSerdes(new FramedKeySerde(client), new ChangeBytesSerde(client),
                new RowBytesSerde(client));
    }

    /** From serde configs holding the registry URL (and its access settings). */
    public static ReplicationSerdes configured(Map<String, ?> configs) {
        return of(SchemaRegistryConfig.clientFrom(configs));
    }
}
