package dev.sluice.schemas.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One limit becomes the settings of every kind of client, topic and broker, each allowing the limit plus headroom. */
class RecordSizeLimitTest {

    private static final RecordSizeLimit LIMIT = new RecordSizeLimit(100L << 20);
    private static final long ALLOWED = (100L << 20) + RecordSizeLimit.HEADROOM;

    @Test
    void theDefaultIs64MiB() {
        assertThat(RecordSizeLimit.DEFAULT.maxRecordBytes()).isEqualTo(64L << 20);
        assertThat(RecordSizeLimit.DEFAULT.producer()).containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (65 << 20))
                .containsEntry(ProducerConfig.BUFFER_MEMORY_CONFIG, 65L << 20);
    }

    @Test
    void producersConsumersTopicsAndBrokersAllowTheLimitPlusHeadroom() {
        assertThat(LIMIT.requestBytes()).isEqualTo(ALLOWED);
        assertThat(LIMIT.producer()).containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) ALLOWED)
                .containsEntry(ProducerConfig.BUFFER_MEMORY_CONFIG, ALLOWED);
        assertThat(LIMIT.consumer()).containsEntry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, (int) ALLOWED)
                .containsEntry(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, (int) ALLOWED);
        assertThat(LIMIT.topic()).isEqualTo(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(ALLOWED)));
        assertThat(LIMIT.broker()).containsEntry("message.max.bytes", Long.toString(ALLOWED))
                .containsEntry("replica.fetch.max.bytes", Long.toString(ALLOWED))
                .containsEntry("socket.request.max.bytes", Long.toString(102L << 20));
    }

    @Test
    void aSmallLimitKeepsKafkasLargerDefaultsForBufferAndFetch() {
        RecordSizeLimit small = new RecordSizeLimit(RecordSizeLimit.MIN_BYTES);
        assertThat(small.producer()).containsEntry(ProducerConfig.BUFFER_MEMORY_CONFIG, 32L << 20);
        assertThat(small.consumer()).containsEntry(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 50 << 20);
        assertThat(small.broker()).containsEntry("socket.request.max.bytes", Long.toString(100L << 20));
    }

    @Test
    void theConnectWorkerGetsItForSinkConsumersAndTheDeadLetterProducer() {
        assertThat(LIMIT.connectWorker()).containsEntry("producer.max.request.size", Long.toString(ALLOWED))
                .containsEntry("consumer.max.partition.fetch.bytes", Long.toString(ALLOWED))
                .containsEntry("consumer.fetch.max.bytes", Long.toString(ALLOWED));
    }

    @Test
    void explicitClientSettingsWinOverTheLimits() {
        assertThat(LIMIT.withProducer(Map.of("buffer.memory", "1", "acks", "all")))
                .containsEntry("buffer.memory", "1").containsEntry("acks", "all")
                .containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) ALLOWED);
        assertThat(LIMIT.withConsumer(Map.of())).containsEntry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, (int) ALLOWED);
    }

    @Test
    void aLimitOutOfRangeIsOneSentenceWithTheRange() {
        assertThatThrownBy(() -> new RecordSizeLimit(1000))
                .hasMessage("kafka.max.record.bytes = 1000 is out of range; use a number of bytes from 1048576 (1 MiB) "
                        + "to 1073741824 (1 GiB).");
    }
}
