package dev.sluice.cli.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DeadLetterTest {

    private static ConsumerRecord<byte[], byte[]> record(RecordHeaders headers) {
        return new ConsumerRecord<>("replica.dlq", 0, 7, 1L, TimestampType.CREATE_TIME, 1, 1, new byte[] {1},
                new byte[] {2}, headers, Optional.empty());
    }

    private static void add(RecordHeaders headers, String key, String value) {
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTransformsDeadLetterIsReadFromKafkaStreamsHeadersAndOurStage() {
        RecordHeaders h = new RecordHeaders();
        add(h, "app", "kept");
        add(h, "__streams.errors.topic", "sluice.public.orders");
        add(h, "__streams.errors.partition", "2");
        add(h, "__streams.errors.offset", "41");
        add(h, "__streams.errors.message", "bytes do not start with the magic byte");
        add(h, "sluice.errors.stage", "deserialization");

        DeadLetter letter = DeadLetter.of(record(h));

        assertThat(letter.stage()).isEqualTo("deserialization");
        assertThat(letter.reason()).contains("magic byte");
        assertThat(letter.source()).isEqualTo("sluice.public.orders-2@41");
        assertThat(letter.position()).isEqualTo("replica.dlq-0@7");
        assertThat(letter.originalHeaders().toArray()).extracting(x -> x.key()).containsExactly("app");
    }

    @Test
    void sluiceHeadersWinOverConnectsAndConnectsStageIsNamedAsSuch() {
        RecordHeaders h = new RecordHeaders();
        add(h, "__connect.errors.topic", "replica.public.orders");
        add(h, "__connect.errors.partition", "0");
        add(h, "__connect.errors.offset", "3");
        add(h, "__connect.errors.stage", "VALUE_CONVERTER");
        add(h, "__connect.errors.exception.message", "Converting byte[] to Kafka Connect data failed");
        assertThat(DeadLetter.of(record(h)).stage()).isEqualTo("connect.value_converter");

        add(h, "sluice.errors.stage", "sink.write");
        add(h, "sluice.errors.reason", "refused");
        DeadLetter letter = DeadLetter.of(record(h));
        assertThat(letter.stage()).isEqualTo("sink.write");
        assertThat(letter.reason()).isEqualTo("refused");
        assertThat(letter.source()).isEqualTo("replica.public.orders-0@3");
    }

    @Test
    void aRecordWithoutSourceHeadersCannotBeReplayed() {
        DeadLetter letter = DeadLetter.of(record(new RecordHeaders()));
        assertThat(letter.replayable()).isFalse();
        assertThat(letter.source()).isEqualTo("unknown");
        assertThat(letter.stage()).isEqualTo("unknown");
    }
}
