package dev.sluice.cli.local;

import dev.sluice.cli.secret.ProcessSecrets;
import dev.sluice.transforms.replicate.ReplicationSpec;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The warehouse sink connector's configuration for the replication pipeline's row topics. */
public final class SinkConnectorConfig {

    public static final String NAME = "sluice-warehouse";
    private static final String SINK_CONNECTOR = "dev.sluice.sink.WarehouseSinkConnector";
    private static final String AVRO_CONVERTER = "dev.sluice.schemas.connect.AvroConverter";

    private SinkConnectorConfig() {
    }

    /**
     * The sink's dead-letter topic: every connector Sluice configures sends the records it cannot read and the rows
     * the warehouse refuses there (Connect's {@code errors.*} settings), with Connect's context headers and Sluice's.
     */
    /**
     * Two dot-separated parts on purpose: a name like {@code sluice.dlq.sink} looks like the change topic of table
     * {@code dlq.sink}, so the replication pipeline read it and the sink consumed its own dead letters.
     */
    public static final String DEAD_LETTER_TOPIC = "sluice-sink.dlq";

    /** Accepted values of {@code --schema-change-policy}: the sink's {@code schema.change.policy}. */
    public static final String POLICIES = "evolve, fail, ignore";
    public static final String DEFAULT_POLICY = "evolve";

    public static Map<String, String> forWarehouse(WarehouseTarget warehouse, String registryUrl) {
        return forWarehouse(warehouse, registryUrl, DEFAULT_POLICY);
    }

    /**
     * @param schemaChangePolicy what the sink does when rows no longer fit their table: evolve, fail or ignore
     *                           (sink-connectors README, "Schema changes")
     */
    public static Map<String, String> forWarehouse(WarehouseTarget warehouse, String registryUrl, String schemaChangePolicy) {
        Map<String, String> c = new HashMap<>();
        c.put("schema.change.policy", schemaChangePolicy);
        c.put("connector.class", SINK_CONNECTOR);
        // one task: a DuckDB file has one writer; PostgreSQL would take more, partitions permitting
        c.put("tasks.max", "1");
        c.put("topics.regex", ReplicationSpec.DEFAULT_PIPELINE + "\\.[^.]+\\.[^.]+");
        c.put("connection.url", warehouse.jdbcUrl());
        c.put("table.name.format", warehouse.tableNameFormat());
        if (!warehouse.historyTables().isEmpty()) {
            c.put("history.tables", String.join(",", warehouse.historyTables()));
        }
        if (warehouse.user() != null) {
            c.put("connection.user", warehouse.user());
            // never the password itself: Connect's REST API shows a connector's configuration as given
            c.put("connection.password", ProcessSecrets.reference(warehouse.password()));
        }
        c.put("key.converter", AVRO_CONVERTER);
        c.put("key.converter.schema.registry.url", registryUrl);
        c.put("value.converter", AVRO_CONVERTER);
        c.put("value.converter.schema.registry.url", registryUrl);
        // row topics of tables added later are found within seconds, not the default five minutes
        c.put("consumer.override.metadata.max.age.ms", "2000");
        c.put("consumer.override.max.poll.records", "5000");
        deadLetters(c);
        return c;
    }

    /**
     * Dead letters, never a dead stage: a bad record goes to {@link #DEAD_LETTER_TOPIC} and later rows keep landing.
     * Replication factor -1 takes the broker's default, so one broker (local mode) and a cluster both work.
     */
    private static void deadLetters(Map<String, String> c) {
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", DEAD_LETTER_TOPIC);
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        c.put("errors.deadletterqueue.topic.replication.factor", "-1");
        c.put("errors.log.enable", "true");
    }

    /** The same sink for these topics instead of the row topics (e.g. the demo specs' outputs). */
    public static Map<String, String> forTopics(WarehouseTarget warehouse, String registryUrl, String schemaChangePolicy,
                                                List<String> topics) {
        Map<String, String> c = forWarehouse(warehouse, registryUrl, schemaChangePolicy);
        c.remove("topics.regex");
        c.put("topics", String.join(",", topics));
        return c;
    }

    /** The same sink for the topics {@code topicsRegex} matches (e.g. users' spec outputs, {@code UserSpecs}). */
    public static Map<String, String> forTopicsRegex(WarehouseTarget warehouse, String registryUrl,
                                                     String schemaChangePolicy, String topicsRegex) {
        Map<String, String> c = forWarehouse(warehouse, registryUrl, schemaChangePolicy);
        c.put("topics.regex", topicsRegex);
        return c;
    }
}
