package dev.sluice.ingest.engine;

import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.source.TableId;
import dev.sluice.schemas.toast.UnavailableValue;
import dev.sluice.ingest.values.BitStringConverter;
import dev.sluice.ingest.values.SourceTypes;
import dev.sluice.ingest.values.SpecialNumericConverter;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Translates {@link IngestSettings} into the properties of Debezium's embedded engine running the
 * PostgreSQL connector (pgoutput) with source offsets in a Kafka topic. This is the one place
 * that knows Debezium's setting names; pass-through properties override ours, except the few
 * exactly-once ingestion rests on (transaction markers, the offset store).
 */
public final class EngineProperties {

    /** The engine name is part of every stored offset's key: changing it forgets the offsets. */
    public static final String ENGINE_NAME = "sluice-ingest";
    private static final String TRANSACTION_TOPIC_SUFFIX = "transaction";
    private static final String NOTIFICATION_TOPIC_SUFFIX = "notifications";
    /** Debezium's heartbeat records arrive on {@code <this>.<topic prefix>}. */
    public static final String HEARTBEAT_TOPIC_PREFIX = "__debezium-heartbeat";

    private EngineProperties() {
    }

    public static Properties of(IngestSettings settings, List<TableId> tables) {
        Properties p = new Properties();
        p.setProperty("name", ENGINE_NAME);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("tasks.max", "1");

        p.setProperty("database.hostname", settings.sourceHost());
        p.setProperty("database.port", Integer.toString(settings.sourcePort()));
        p.setProperty("database.dbname", settings.database());
        p.setProperty("database.user", settings.user());
        p.setProperty("database.password", settings.password());
        // Debezium hands database.<name> to the JDBC driver (and the replication connection) as <name>:
        // the source URL's parameters (sslmode, sslrootcert, ...) reach both connections
        settings.jdbcParameters().forEach((k, v) -> p.setProperty("database." + k, v));

        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", settings.slotName());
        p.setProperty("publication.name", settings.publicationName());
        // disabled: ingest creates the publication with exactly the captured tables, or alters it, before the engine
        // starts (PublicationTables); Debezium's own SQL for it breaks on a double quote in a table name
        p.setProperty("publication.autocreate.mode", "disabled");
        // Sluice's signal and heartbeat tables are captured too (so they are in the publication), never published
        ControlTables control = ControlTables.of(settings);
        List<TableId> included = new ArrayList<>(tables);
        included.addAll(control.both());
        p.setProperty("table.include.list", included.stream().map(TableId::includeListPattern).collect(Collectors.joining(",")));
        p.setProperty("topic.prefix", settings.topicPrefix());
        // reversible topic names (TopicNames): public."a b" and public.a_b must not share a topic
        p.setProperty("topic.naming.strategy", EncodedTopicNaming.class.getName());
        // a placeholder no text value can equal (it holds NUL): a user's '__debezium_unavailable_value' is data
        p.setProperty("unavailable.value.placeholder", UnavailableValue.PLACEHOLDER);
        // initial: the existing rows come by incremental snapshots that ingest requests at the first start (chunked,
        // committed as read, resumable), so Debezium itself starts streaming without a blocking snapshot
        p.setProperty("snapshot.mode", settings.loadsInChunks() ? "no_data" : settings.snapshotMode());
        // the change topics use cleanup.policy=delete and the contract says: no tombstones
        p.setProperty("tombstones.on.delete", "false");
        // heartbeats let the slot advance while the captured tables are idle, so WAL is not pinned
        p.setProperty("heartbeat.interval.ms", Long.toString(settings.heartbeatInterval().toMillis()));
        // ... and the action query writes to a captured table at each heartbeat: without it a source
        // busy only on other tables sends us nothing, so our position (and the slot) would not move
        p.setProperty("heartbeat.action.query", control.heartbeatActionQuery());
        // the publisher recognises heartbeats by this topic prefix and forwards them downstream
        p.setProperty("topic.heartbeat.prefix", HEARTBEAT_TOPIC_PREFIX);
        // backfills: an execute-snapshot row in the signal table starts an incremental snapshot,
        // whose watermarks are written to that table too; progress comes back as notifications
        p.setProperty("signal.enabled.channels", "source");
        p.setProperty("signal.data.collection", control.signal().toString());
        p.setProperty("incremental.snapshot.chunk.size", Integer.toString(settings.loadChunkSize()));
        p.setProperty("notification.enabled.channels", "sink");
        p.setProperty("notification.sink.topic.name", notificationTopic(settings));

        p.setProperty("offset.storage.topic", settings.offsetsTopic());
        p.setProperty("offset.storage.partitions", "1");
        p.setProperty("offset.storage.replication.factor", Short.toString(settings.replicationFactor()));
        // how often the engine tells the connector to flush the LSN of committed changes to the slot
        p.setProperty("offset.flush.interval.ms", Long.toString(settings.offsetFlushInterval().toMillis()));
        p.setProperty("bootstrap.servers", settings.bootstrapServers());
        // the offset store's consumer reads these back (TLS, SASL): KafkaOffsetStore.KAFKA_PREFIX
        settings.kafkaProperties().forEach((k, v) -> p.setProperty(KafkaOffsetStore.KAFKA_PREFIX + k, v));
        // Throughput and freshness: a change waits at most 50 ms in the queue for its batch, and large
        // batches amortise the per-batch work (Avro conversion, producer flush, transaction commit).
        // `sluice bench --stage ingest` measures the effect (see the README's Performance section).
        p.setProperty("poll.interval.ms", "50");
        p.setProperty("max.batch.size", "8192");
        p.setProperty("max.queue.size", "32768");
        // an interval keeps its months, days and microseconds apart (ISO 8601 text): the default numeric mode counts a
        // month as 30.4375 days, so '1 mon' would arrive as '30 days 10:30:00'
        p.setProperty("interval.handling.mode", "string");

        settings.debeziumProperties().forEach(p::setProperty);
        specialNumerics(p);
        exactSourceTypes(p);
        exactlyOnceEssentials(p);
        return p;
    }

    /**
     * numeric NaN and ±Infinity are valid source values that Debezium's precise decimals cannot carry: a converter
     * takes over numeric columns without precision, in precise mode only (double and string modes carry them as
     * Debezium does), and beside any converters the user configured.
     */
    private static void specialNumerics(Properties p) {
        if (!"precise".equalsIgnoreCase(p.getProperty("decimal.handling.mode", "precise"))) {
            return;
        }
        addConverter(p, SpecialNumericConverter.NAME, SpecialNumericConverter.class);
    }

    /**
     * Bit strings as their text (with length and leading zeros), and the source type on the fields whose value does not
     * say it ({@link SourceTypes}), beside any converters and patterns the user configured.
     */
    private static void exactSourceTypes(Properties p) {
        addConverter(p, BitStringConverter.NAME, BitStringConverter.class);
        String patterns = p.getProperty("datatype.propagate.source.type", "");
        p.setProperty("datatype.propagate.source.type", patterns.isBlank() ? SourceTypes.propagatePatterns()
                : patterns + "," + SourceTypes.propagatePatterns());
    }

    private static void addConverter(Properties p, String name, Class<?> type) {
        String converters = p.getProperty("converters", "");
        p.setProperty("converters", converters.isBlank() ? name : converters + "," + name);
        p.setProperty(name + ".type", type.getName());
    }

    /**
     * The settings exactly-once ingestion rests on, applied after the pass-through properties so
     * that no override can silently weaken the guarantee: BEGIN/END markers (Kafka transactions
     * commit only at source-transaction ends), the offset store that reads only committed
     * offsets and leaves writing them to the publisher's transactions, and the names downstream relies on.
     */
    private static void exactlyOnceEssentials(Properties p) {
        p.setProperty("provide.transaction.metadata", "true");
        // the topics the publisher and the sink expect, and the placeholder the sink recognises
        p.setProperty("topic.naming.strategy", EncodedTopicNaming.class.getName());
        p.setProperty("unavailable.value.placeholder", UnavailableValue.PLACEHOLDER);
        p.setProperty("topic.transaction", TRANSACTION_TOPIC_SUFFIX);
        p.setProperty("offset.storage", KafkaOffsetStore.class.getName());
    }

    /**
     * Debezium's notifications (incremental snapshot started, chunk done, table scanned, completed):
     * published to this topic, inside the Kafka transactions, for {@code sluice backfill} to follow.
     */
    public static String notificationTopic(IngestSettings settings) {
        return settings.topicPrefix() + "." + NOTIFICATION_TOPIC_SUFFIX;
    }

    /** The topic of Debezium's BEGIN/END transaction markers: consumed, never published. */
    public static String transactionTopic(IngestSettings settings) {
        return settings.topicPrefix() + "." + TRANSACTION_TOPIC_SUFFIX;
    }
}
