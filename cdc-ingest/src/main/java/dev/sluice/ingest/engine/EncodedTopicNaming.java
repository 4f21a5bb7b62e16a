package dev.sluice.ingest.engine;

import dev.sluice.ingest.publish.TopicNames;
import io.debezium.relational.TableId;
import io.debezium.schema.DefaultTopicNamingStrategy;
import io.debezium.spi.schema.DataCollectionId;
import java.util.Properties;

/**
 * Debezium's topic naming with Sluice's reversible name encoding ({@link TopicNames}): Debezium's default
 * replaces every character Kafka refuses by {@code _}, so {@code public."a b"} and {@code public.a_b} would
 * share a topic and a table name with a dot would add a topic name part. Heartbeat and transaction topics
 * keep Debezium's names.
 */
public class EncodedTopicNaming extends DefaultTopicNamingStrategy {

    public EncodedTopicNaming(Properties props) {
        super(props);
    }

    @Override
    public String dataChangeTopic(DataCollectionId id) {
        if (id instanceof TableId table && table.schema() != null) {
            String topic = topicNames.get(id);
            if (topic == null) {
                topic = TopicNames.changeTopic(prefix, table.schema(), table.table());
                topicNames.put(id, topic);
            }
            return topic;
        }
        return super.dataChangeTopic(id);
    }
}
