package dev.sluice.ingest.publish;

import dev.sluice.ingest.source.TableId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicNamesTest {

    @Test
    void changeTopicIsPrefixSchemaTable() {
        assertThat(TopicNames.changeTopic("sluice", new TableId("public", "orders"))).isEqualTo("sluice.public.orders");
    }

    @Test
    void charactersKafkaRejectsBecomeUnderscores() {
        assertThat(TopicNames.changeTopic("sluice", new TableId("public", "order items$"))).isEqualTo("sluice.public.order_items_");
    }
}
