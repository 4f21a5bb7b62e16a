package dev.sluice.ingest;

import dev.sluice.ingest.engine.EngineProperties;
import dev.sluice.ingest.engine.KafkaOffsetStore;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Kafka client settings (TLS, SASL) and the source's driver parameters reach every client the service opens. */
class KafkaAndSourceSettingsTest {

    private static IngestSettings settings() {
        return IngestSettings.builder()
                .sourceHost("db").database("shop").user("app")
                .bootstrapServers("kafka:9093").schemaRegistryUrl("http://registry:8081")
                .kafkaProperties(Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "SCRAM-SHA-512"))
                .jdbcParameters(Map.of("sslmode", "verify-full"))
                .build();
    }

    @Test
    void theSourceKeepsItsDriverParametersInTheJdbcUrlAndForDebezium() {
        IngestSettings s = settings();
        assertThat(s.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/shop?sslmode=verify-full");
        Properties p = EngineProperties.of(s, List.of());
        assertThat(p).containsEntry("database.sslmode", "verify-full");
    }

    @Test
    void theOffsetStoreGetsTheKafkaSettingsThroughTheEngineProperties() {
        Properties p = EngineProperties.of(settings(), List.of());
        assertThat(p).containsEntry(KafkaOffsetStore.KAFKA_PREFIX + "security.protocol", "SASL_SSL")
                .containsEntry(KafkaOffsetStore.KAFKA_PREFIX + "sasl.mechanism", "SCRAM-SHA-512");
    }
}
