package dev.sluice.ingest.publish;

import dev.sluice.ingest.IngestSettings;
import dev.sluice.schemas.kafka.RecordSizeLimit;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The user's Kafka settings reach the producer; the exactly-once essentials cannot be overridden by them. */
class ProducerKafkaSettingsTest {

    @Test
    void userSettingsPassButTheEssentialsWin() {
        IngestSettings s = IngestSettings.builder()
                .sourceHost("db").database("shop").user("app")
                .bootstrapServers("kafka:9093").schemaRegistryUrl("http://registry:8081")
                .kafkaProperties(Map.of("security.protocol", "SSL", "enable.idempotence", "false", "acks", "1"))
                .build();
        Map<String, Object> producer = IngestProducerConfig.of(s);
        assertThat(producer).containsEntry("security.protocol", "SSL")
                .containsEntry("enable.idempotence", true).containsEntry("acks", "all");
    }

    @Test
    void theRecordSizeLimitSetsTheRequestAndBufferSizeAndAnExplicitSettingWins() {
        IngestSettings.Builder b = IngestSettings.builder()
                .sourceHost("db").database("shop").user("app")
                .bootstrapServers("kafka:9093").schemaRegistryUrl("http://registry:8081")
                .recordSizeLimit(new RecordSizeLimit(100L << 20));
        Map<String, Object> producer = IngestProducerConfig.of(b.build());
        assertThat(producer).containsEntry("max.request.size", (int) (101L << 20))
                .containsEntry("buffer.memory", 101L << 20);
        assertThat(IngestProducerConfig.of(b.kafkaProperties(Map.of("buffer.memory", "500000000")).build()))
                .containsEntry("buffer.memory", "500000000");
    }
}
