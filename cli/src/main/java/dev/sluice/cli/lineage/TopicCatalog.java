package dev.sluice.cli.lineage;

import dev.sluice.schemas.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What lineage needs to know of Kafka: which topics exist (a pipeline reading a pattern, a sink reading a regex
 * reports the topics they match now) and the latest registered value schema of a topic. Topics are listed anew for
 * each event; a schema, once found, is kept until the next {@link #refresh()} finds a newer one. Failures are
 * answered with what is known so far: lineage never stops a stage.
 */
public class TopicCatalog {

    private final String bootstrapServers;
    private final Admin admin;
    private final SchemaRegistryClient registry;
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    private volatile Set<String> topics = Set.of();

    /** @param admin and registry are used, not owned (null registry: no schemas) */
    public TopicCatalog(String bootstrapServers, Admin admin, SchemaRegistryClient registry) {
        this.bootstrapServers = bootstrapServers;
        this.admin = admin;
        this.registry = registry;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Lists the topics again (called before each round of events). */
    public void refresh() {
        if (admin == null) {
            return;
        }
        try {
            topics = new TreeSet<>(admin.listTopics(new ListTopicsOptions().timeoutMs(5000)).names().get(6, TimeUnit.SECONDS));
        } catch (Exception e) {
            // keep the last list
        }
        schemas.clear();
    }

    /** The topics that exist, as of the last {@link #refresh()}. */
    public Set<String> topics() {
        return topics;
    }

    /** The latest value schema registered for {@code topic} (subject {@code <topic>-value}), if any. */
    public Optional<Schema> valueSchema(String topic) {
        if (registry == null) {
            return Optional.empty();
        }
        Schema known = schemas.get(topic);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            Schema schema = registry.latest(topic + "-value").schema();
            schemas.put(topic, schema);
            return Optional.of(schema);
        } catch (RuntimeException notRegisteredOrUnreachable) {
            return Optional.empty();
        }
    }

    /**
     * The columns of the rows a topic carries: a row topic's fields, or the {@code after} record of a Debezium change
     * envelope.
     */
    public Optional<Schema> rowSchema(String topic) {
        return valueSchema(topic).map(TopicCatalog::rows);
    }

    static Schema rows(Schema value) {
        Schema.Field after = value.getField("after");
        if (after != null && value.getField("op") != null) {
            Schema row = Facets.nonNull(after.schema());
            if (row.getType() == Schema.Type.RECORD) {
                return row;
            }
        }
        return value;
    }

    /** The topic as a dataset, with its schema (rows) and dataSource facets. */
    public Dataset dataset(String topic) {
        Dataset d = DatasetNames.topic(bootstrapServers, topic);
        d = d.with("dataSource", Facets.dataSource(d.namespace()));
        Optional<Schema> schema = rowSchema(topic).filter(s -> s.getType() == Schema.Type.RECORD);
        return schema.isPresent() ? d.with("schema", Facets.schema(schema.get())) : d;
    }
}
