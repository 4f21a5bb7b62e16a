package dev.sluice.cli.rebuild;

import dev.sluice.cli.local.CloseAll;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.embedded.ConnectWorker;
import dev.sluice.sink.config.WarehouseSinkConfig;
import dev.sluice.transforms.runtime.TransformConfig;
import dev.sluice.transforms.runtime.TransformService;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A rebuild's processes: its own Kafka Streams application (from the earliest retained offsets, as a new consumer
 * group does) and a Connect worker with its own sink connector into the shadow tables, or into the live tables once
 * the rebuild is promoted (then it is the live version, and its sink goes on from its own stored offsets).
 */
public final class ShadowRun implements AutoCloseable {

    private final TransformService transform;
    private final ConnectWorker connect;

    private ShadowRun(TransformService transform, ConnectWorker connect) {
        this.transform = transform;
        this.connect = connect;
    }

    /**
     * @param base      where Kafka and the registry are, with the Kafka settings passed through
     * @param stateDir  its Streams state goes under {@code <stateDir>/rebuild/<name>}
     * @param workDir   its Connect worker's files go under {@code <workDir>/rebuild/<name>}
     * @param promoted  whether to write the live tables (a promoted rebuild) instead of the shadow tables
     * @param worker    Connect worker settings (Kafka settings and config providers)
     * @param secrets   connector settings that carry secrets as references
     */
    public static ShadowRun start(Shadow shadow, TransformConfig base, Path stateDir, Path workDir,
                                  WarehouseTarget warehouse, boolean promoted, Map<String, String> worker,
                                  Map<String, String> secrets, Function<String, String> env) {
        TransformConfig config = base.withStateDir(stateDir(stateDir, shadow));
        config = shadow.replication() ? config.withSpec(shadow.replicationSpec(base.spec())) : config.withPipeline(shadow.shadowSpec());
        config = config.withApplicationId(shadow.applicationId());
        TransformService transform = new TransformService(config, env);
        ConnectWorker connect = null;
        try {
            transform.start();
            Map<String, String> w = new HashMap<>(worker);
            w.putIfAbsent("offset.flush.interval.ms", "250");
            connect = ConnectWorker.start(base.bootstrapServers(), workDir.resolve("rebuild").resolve(shadow.name()), w);
            connect.createConnector(shadow.connector(), connectorConfig(shadow, warehouse, base.schemaRegistryUrl(), promoted, secrets));
            return new ShadowRun(transform, connect);
        } catch (RuntimeException e) {
            try {
                CloseAll.inOrder(connect, transform);
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Where the rebuild's Streams state lives (Kafka Streams adds {@code /<application.id>}). */
    public static Path stateDir(Path stateDir, Shadow shadow) {
        return stateDir.resolve("rebuild").resolve(shadow.name());
    }

    static Map<String, String> connectorConfig(Shadow shadow, WarehouseTarget warehouse, String registryUrl,
                                               boolean promoted, Map<String, String> secrets) {
        Map<String, String> c = new HashMap<>(SinkConnectorConfig.forTopicsRegex(warehouse, registryUrl,
                SinkConnectorConfig.DEFAULT_POLICY, shadow.topicsRegex()));
        c.put(WarehouseSinkConfig.TABLE_NAME_FORMAT, shadow.tableNameFormat(promoted));
        c.putAll(secrets);
        return c;
    }

    public TransformService transform() {
        return transform;
    }

    public ConnectWorker connect() {
        return connect;
    }

    /** Sink first, so it stops with its input idle. */
    @Override
    public void close() {
        CloseAll.inOrder(connect, transform);
    }
}
