package dev.sluice.ingest.publish;

import dev.sluice.ingest.source.TableId;
import dev.sluice.schemas.naming.TopicNamePart;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicNamesTest {

    @Test
    void changeTopicIsPrefixSchemaTable() {
        assertThat(TopicNames.changeTopic("sluice", new TableId("public", "orders"))).isEqualTo("sluice.public.orders");
    }

    @Test
    void namesKafkaCannotHoldAreEncodedReversiblyAndNeverShareATopic() {
        String spaced = TopicNames.changeTopic("sluice", new TableId("public", "order items$"));
        assertThat(spaced).isEqualTo("sluice.public.-order-20items-24");
        assertThat(TopicNames.changeTopic("sluice", new TableId("public", "order_items_"))).isNotEqualTo(spaced);
        String dotted = TopicNames.changeTopic("sluice", new TableId("my.schema", "a.b"));
        assertThat(dotted.split("\\.")).hasSize(3);
        assertThat(TopicNamePart.decode(dotted.split("\\.")[1])).isEqualTo("my.schema");
        assertThat(TopicNamePart.decode(dotted.split("\\.")[2])).isEqualTo("a.b");
    }
}
