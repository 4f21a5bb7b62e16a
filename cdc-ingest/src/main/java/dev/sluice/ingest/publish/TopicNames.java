package dev.sluice.ingest.publish;

import dev.sluice.ingest.source.TableId;
import dev.sluice.schemas.naming.TopicNamePart;

/**
 * Names of the change topics: {@code <prefix>.<schema>.<table>}, schema and table each encoded by
 * {@link TopicNamePart} (plain names as they are, others reversibly escaped), so two tables never share a
 * topic and the sink can read the source names back. Debezium writes to the same names
 * ({@link dev.sluice.ingest.engine.EncodedTopicNaming}).
 */
public final class TopicNames {
    /** Kafka's longest topic name. */
    public static final int MAX_TOPIC_LENGTH = 249;

    private TopicNames() {
    }

    public static String changeTopic(String prefix, TableId table) {
        return changeTopic(prefix, table.schema(), table.table());
    }

    public static String changeTopic(String prefix, String schema, String table) {
        return prefix + "." + TopicNamePart.encode(schema) + "." + TopicNamePart.encode(table);
    }
}
