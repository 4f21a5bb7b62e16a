package dev.sluice.sink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TableNameFormatTest {
    @Test
    void defaultFormatTakesTheTopicsLastPart() {
        assertThat(new TableNameFormat("${table}").tableFor("replica.public.orders")).isEqualTo("orders");
    }

    @Test
    void schemaIsThePartBeforeTheTable() {
        assertThat(new TableNameFormat("${schema}_${table}").tableFor("replica.public.orders")).isEqualTo("public_orders");
    }

    @Test
    void topicIsTheWholeName() {
        assertThat(new TableNameFormat("t_${topic}").tableFor("replica.public.orders")).isEqualTo("t_replica.public.orders");
    }

    @Test
    void topicWithoutDotsHasAnEmptySchema() {
        assertThat(new TableNameFormat("${schema}${table}").tableFor("orders")).isEqualTo("orders");
    }

    @Test
    void emptyResultIsRejectedWithTheFix() {
        assertThatThrownBy(() -> new TableNameFormat("${schema}").tableFor("orders"))
                .hasMessageContaining("include ${table}");
        assertThatThrownBy(() -> new TableNameFormat(" ")).isInstanceOf(ConfigException.class);
    }

    @Test
    void encodedSchemaAndTableNamesAreDecoded() {
        assertThat(new TableNameFormat("${table}").tableFor("replica.public.-order-20items")).isEqualTo("order items");
        assertThat(new TableNameFormat("${schema}_${table}").tableFor("replica.-my-2eschema.-say-20-22hi-22"))
                .isEqualTo("my.schema_say \"hi\"");
        assertThat(new TableNameFormat("${table}").tableFor("shop.events-2024")).as("hand-written parts stay").isEqualTo("events-2024");
        assertThat(TableNameFormat.sourceTableOf("replica.-a-2eb.-caf-c3-a9")).isEqualTo("a.b.café");
    }

    @Test
    void aNameHoldingAPlaceholderStaysAsItIs() {
        String topic = "replica.public." + dev.sluice.schemas.naming.TopicNamePart.encode("${schema}");
        assertThat(new TableNameFormat("${schema}_${table}").tableFor(topic)).isEqualTo("public_${schema}");
    }
}
