package dev.sluice.transforms.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplicationSpecTest {

    private final ReplicationSpec spec = ReplicationSpec.defaults();

    @Test
    void rowTopicKeepsSchemaAndTableUnderThePipelineName() {
        assertThat(spec.outputTopicFor("sluice.public.orders")).isEqualTo("replica.public.orders");
        assertThat(spec.withPrefix("prod.cdc").withPipeline("warehouse").outputTopicFor("prod.cdc.sales.order_items"))
                .isEqualTo("warehouse.sales.order_items");
    }

    @Test
    void inputTopicCheckAgreesWithThePattern() {
        for (String topic : new String[] {"sluice.public.orders", "sluice.public", "sluice.a.b.c", "sluicex.a.b",
                "replica.public.orders", "sluice..orders", "sluice.public.", "other.sluice.public.orders"}) {
            assertThat(spec.isInputTopic(topic)).as(topic).isEqualTo(spec.inputPattern().matcher(topic).matches());
        }
    }

    @Test
    void pipelineReadingItsOwnOutputIsRejected() {
        assertThatThrownBy(() -> spec.withPipeline("sluice"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("read its own output");
    }

    @Test
    void badNamesAndRetentionAreRejected() {
        assertThatThrownBy(() -> spec.withPipeline("re plica")).hasMessageContaining("not a valid topic prefix");
        assertThatThrownBy(() -> spec.withPrefix("")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> spec.withDedupeRetention(Duration.ZERO)).hasMessageContaining("must be positive");
    }
}
