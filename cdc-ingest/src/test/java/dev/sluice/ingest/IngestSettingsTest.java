package dev.sluice.ingest;

import dev.sluice.ingest.source.TableId;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IngestSettingsTest {

    private static IngestSettings.Builder minimal() {
        return IngestSettings.builder()
                .sourceHost("db").database("shop").user("app")
                .bootstrapServers("kafka:9092").schemaRegistryUrl("http://registry:8081");
    }

    @Test
    void defaultsFollowTheContract() {
        IngestSettings s = minimal().build();
        assertThat(s.sourcePort()).isEqualTo(5432);
        assertThat(s.password()).isEmpty();
        assertThat(s.tables()).isEmpty();
        assertThat(s.topicPrefix()).isEqualTo("sluice");
        assertThat(s.slotName()).isEqualTo("sluice");
        assertThat(s.publicationName()).isEqualTo("sluice");
        assertThat(s.topicPartitions()).isEqualTo(1);
        assertThat(s.replicationFactor()).isEqualTo((short) 1);
        assertThat(s.snapshotMode()).isEqualTo("initial");
        assertThat(s.offsetsTopic()).isEqualTo("sluice-offsets");
        assertThat(s.sourceAddress()).isEqualTo("db:5432/shop");
    }

    @Test
    void offsetsTopicFollowsThePrefixUnlessSet() {
        assertThat(minimal().topicPrefix("shop").build().offsetsTopic()).isEqualTo("shop-offsets");
        assertThat(minimal().topicPrefix("shop").offsetsTopic("ofs").build().offsetsTopic()).isEqualTo("ofs");
    }

    @Test
    void tablesAreParsedAndTheRestPassesThrough() {
        IngestSettings s = minimal().tables("public.orders", "sales.items").topicPartitions(3)
                .debeziumProperty("heartbeat.interval.ms", "0").offsetFlushInterval(Duration.ofMillis(200)).build();
        assertThat(s.tables()).containsExactly(new TableId("public", "orders"), new TableId("sales", "items"));
        assertThat(s.topicPartitions()).isEqualTo(3);
        assertThat(s.debeziumProperties()).containsEntry("heartbeat.interval.ms", "0");
        assertThat(s.toBuilder().build().tables()).isEqualTo(s.tables());
    }

    @Test
    void missingSettingIsNamedWithItsOption() {
        assertThatThrownBy(() -> minimal().bootstrapServers(null).build())
                .hasMessage("The Kafka bootstrap servers is missing; set it with --bootstrap-servers.");
    }

    @Test
    void loadChunkSizeMustBeAtLeastOneRow() {
        assertThatThrownBy(() -> minimal().loadChunkSize(0).build())
                .hasMessage("The load chunk size must be at least 1 row, got 0.");
    }

    @Test
    void slotNameMustSuitPostgres() {
        assertThatThrownBy(() -> minimal().slotName("My-Slot").build())
                .hasMessageContaining("lower-case letters, digits and '_'");
    }

    @Test
    void passwordNeverShowsInToString() {
        assertThat(minimal().password("s3cret").build().toString()).doesNotContain("s3cret");
    }

    @Test
    void snapshotModesAreTheOffersOrOneSentence() {
        for (String mode : java.util.List.of("initial", "never", "when_needed", "no_data")) {
            assertThat(minimal().snapshotMode(mode).build().snapshotMode()).isEqualTo(mode);
        }
        assertThatThrownBy(() -> minimal().snapshotMode("sometimes").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Snapshot mode 'sometimes' is not one of initial, never, when_needed, no_data, initial_only,"
                        + " always; pick one of them with --snapshot-mode.");
    }

    @Test
    void theTransactionBoundMustCommitBeforeTheCoordinatorAbortsTheTransaction() {
        assertThat(minimal().build().transactionBound()).isEqualTo(TransactionBound.DEFAULT);
        assertThatThrownBy(() -> minimal().transactionTimeout(Duration.ofSeconds(20)).build())
                .hasMessageStartingWith("The Kafka transaction bound's age PT30S must be shorter than the transaction timeout PT20S");
        assertThatThrownBy(() -> new TransactionBound(0, 1, Duration.ofSeconds(1)))
                .hasMessage("The Kafka transaction bound must allow at least 1 change, got 0.");
    }
}
