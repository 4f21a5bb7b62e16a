package dev.sluice.sink.load;

import java.util.HashMap;
import java.util.Map;

/** The connector config the cli gives the sink: our connector, Avro keys and values through the registry. */
public final class SinkConfigs {
    private SinkConfigs() {
    }

    /** A mutable map; add or override settings per test. */
    public static Map<String, String> avro(String jdbcUrl, String user, String registryUrl, String topics, int tasks) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "dev.sluice.sink.WarehouseSinkConnector");
        config.put("tasks.max", Integer.toString(tasks));
        config.put("topics", topics);
        config.put("connection.url", jdbcUrl);
        if (user != null) {
            config.put("connection.user", user);
        }
        config.put("key.converter", "dev.sluice.schemas.connect.AvroConverter");
        config.put("key.converter.schema.registry.url", registryUrl);
        config.put("value.converter", "dev.sluice.schemas.connect.AvroConverter");
        config.put("value.converter.schema.registry.url", registryUrl);
        return config;
    }
}
