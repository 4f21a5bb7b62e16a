package dev.sluice.ingest.engine;

import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.source.TableId;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class EnginePropertiesTest {

    private final IngestSettings settings = IngestSettings.builder()
            .sourceHost("db").sourcePort(5433).database("shop").user("app").password("pw")
            .bootstrapServers("kafka:9092").schemaRegistryUrl("http://registry:8081")
            .topicPrefix("shop").slotName("shop_slot").publicationName("shop_pub")
            .debeziumProperty("snapshot.fetch.size", "512")
            .debeziumProperty("heartbeat.interval.ms", "0")
            .build();

    @Test
    void configuresPgoutputWithOurSlotPublicationAndTables() {
        Properties p = EngineProperties.of(settings, List.of(new TableId("public", "orders"), new TableId("sales", "items")));
        assertThat(p).containsEntry("connector.class", "io.debezium.connector.postgresql.PostgresConnector")
                .containsEntry("plugin.name", "pgoutput")
                .containsEntry("slot.name", "shop_slot")
                .containsEntry("publication.name", "shop_pub")
                .containsEntry("publication.autocreate.mode", "disabled")
                .containsEntry("table.include.list", "public\\.orders,sales\\.items,public\\.shop_slot_signal,public\\.shop_slot_heartbeat")
                .containsEntry("topic.prefix", "shop")
                .containsEntry("tombstones.on.delete", "false")
                // initial loads by incremental snapshots that ingest requests: Debezium itself only streams
                .containsEntry("snapshot.mode", "no_data")
                .containsEntry("database.hostname", "db")
                .containsEntry("database.port", "5433")
                .containsEntry("database.dbname", "shop");
    }

    @Test
    void wiresSignalTableHeartbeatQueryAndNotifications() {
        Properties p = EngineProperties.of(settings, List.of(new TableId("public", "orders")));
        assertThat(p).containsEntry("signal.data.collection", "public.shop_slot_signal")
                .containsEntry("signal.enabled.channels", "source")
                .containsEntry("notification.enabled.channels", "sink")
                .containsEntry("notification.sink.topic.name", "shop.notifications")
                .containsEntry("heartbeat.action.query", "INSERT INTO \"public\".\"shop_slot_heartbeat\" (id, beat_at)"
                        + " VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET beat_at = EXCLUDED.beat_at");
    }

    @Test
    void storesOffsetsInTheCompactedKafkaTopic() {
        Properties p = EngineProperties.of(settings, List.of(new TableId("public", "orders")));
        assertThat(p).containsEntry("offset.storage", KafkaOffsetStore.class.getName())
                .containsEntry("offset.storage.topic", "shop-offsets")
                .containsEntry("offset.storage.partitions", "1")
                .containsEntry("offset.storage.replication.factor", "1")
                .containsEntry("bootstrap.servers", "kafka:9092");
    }

    @Test
    void loadsInChunksOfTheSettingUnlessDebeziumsOwnSettingIsPassedThrough() {
        List<TableId> orders = List.of(new TableId("public", "orders"));
        assertThat(EngineProperties.of(settings, orders))
                .containsEntry("incremental.snapshot.chunk.size", Integer.toString(IngestSettings.DEFAULT_LOAD_CHUNK_SIZE));
        assertThat(EngineProperties.of(settings.toBuilder().loadChunkSize(1000).build(), orders))
                .containsEntry("incremental.snapshot.chunk.size", "1000");
        assertThat(EngineProperties.of(settings.toBuilder().loadChunkSize(1000)
                .debeziumProperty("incremental.snapshot.chunk.size", "50").build(), orders))
                .containsEntry("incremental.snapshot.chunk.size", "50");
    }

    @Test
    void passThroughPropertiesWinOverOurs() {
        Properties p = EngineProperties.of(settings, List.of(new TableId("public", "orders")));
        assertThat(p).containsEntry("snapshot.fetch.size", "512").containsEntry("heartbeat.interval.ms", "0");
    }

    @Test
    void passThroughCannotSwitchOffWhatExactlyOnceNeeds() {
        IngestSettings overriding = settings.toBuilder()
                .debeziumProperty("provide.transaction.metadata", "false")
                .debeziumProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore")
                .build();
        Properties p = EngineProperties.of(overriding, List.of(new TableId("public", "orders")));
        assertThat(p).containsEntry("provide.transaction.metadata", "true")
                .containsEntry("topic.transaction", "transaction")
                .containsEntry("offset.storage", KafkaOffsetStore.class.getName());
        assertThat(EngineProperties.transactionTopic(overriding)).isEqualTo("shop.transaction");
    }

    @Test
    void theSpecialNumericConverterJoinsTheUsersConvertersInPreciseModeOnly() {
        Properties byDefault = EngineProperties.of(settings, List.of());
        assertThat(byDefault).containsEntry("converters", "sluicenumeric,sluicebits")
                .containsEntry("sluicenumeric.type", "dev.sluice.ingest.values.SpecialNumericConverter");

        Properties withOwn = EngineProperties.of(settings.toBuilder().debeziumProperty("converters", "mine")
                .debeziumProperty("mine.type", "com.example.Mine").build(), List.of());
        assertThat(withOwn).containsEntry("converters", "mine,sluicenumeric,sluicebits");

        Properties asText = EngineProperties.of(settings.toBuilder().debeziumProperty("decimal.handling.mode", "string")
                .build(), List.of());
        assertThat(asText).containsEntry("converters", "sluicebits");
    }

    @Test
    void exactTypesByDefaultAndTheUsersChoiceWhereGiven() {
        Properties byDefault = EngineProperties.of(settings, List.of());
        assertThat(byDefault).containsEntry("interval.handling.mode", "string")
                .containsEntry("sluicebits.type", "dev.sluice.ingest.values.BitStringConverter")
                .containsEntry("datatype.propagate.source.type",
                        ".+\\.(bit|varbit|json|jsonb|money|int4range|int8range|numrange|daterange|tsrange|tstzrange)");

        Properties own = EngineProperties.of(settings.toBuilder().debeziumProperty("interval.handling.mode", "numeric")
                .debeziumProperty("datatype.propagate.source.type", ".+\\.point").build(), List.of());
        assertThat(own).containsEntry("interval.handling.mode", "numeric");
        assertThat(own.getProperty("datatype.propagate.source.type")).startsWith(".+\\.point,.+\\.(bit|");
    }
}
