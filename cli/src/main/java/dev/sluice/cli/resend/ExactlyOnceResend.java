package dev.sluice.cli.resend;

import dev.sluice.schemas.kafka.RecordSizeLimit;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends the records of a side topic (dead letters, quarantine) somewhere again, each once: the sends and a consumer
 * group's position on the side topic commit in one Kafka transaction, so a run that is interrupted or repeated sends
 * each record once. A run reads up to the topic's end as of its start; what arrives later is left for the next run.
 */
public final class ExactlyOnceResend {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What a run did: records sent, and records the mapping left out. */
    public record Result(long sent, long skipped) {
    }

    private final Map<String, String> kafka;
    private final RecordSizeLimit limit;

    /** @param kafka Kafka client settings, bootstrap.servers included */
    public ExactlyOnceResend(Map<String, String> kafka, RecordSizeLimit limit) {
        this.kafka = kafka;
        this.limit = limit;
    }

    /**
     * Sends what {@code topic} holds beyond {@code group}'s position through {@code resend} (empty: leave it out); the
     * group's name is also the producer's transactional id, so a second run of the same resend fences the first.
     */
    public Result resend(String topic, String group, String whatIsMissing,
                         Function<ConsumerRecord<byte[], byte[]>, Optional<ProducerRecord<byte[], byte[]>>> resend) {
        Map<String, Object> consumerProps = limit.withConsumer(kafka);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Object> producerProps = limit.withProducer(kafka);
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group);
        producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        long sent = 0;
        long skipped = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                throw new IllegalArgumentException("There is no topic " + topic + "; " + whatIsMissing);
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            producer.initTransactions();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Sending " + topic + " again made no progress for " + TIMEOUT.toSeconds()
                            + " s; check that the brokers run. What was committed is not sent again.");
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                producer.beginTransaction();
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(tp)) {
                        continue; // arrived after the run started: left for the next one
                    }
                    Optional<ProducerRecord<byte[], byte[]>> out = resend.apply(record);
                    if (out.isPresent()) {
                        producer.send(out.get());
                        sent++;
                    } else {
                        skipped++;
                    }
                    next.put(tp, new OffsetAndMetadata(record.offset() + 1));
                }
                producer.sendOffsetsToTransaction(next, new ConsumerGroupMetadata(group));
                producer.commitTransaction();
                deadline = System.nanoTime() + TIMEOUT.toNanos();
            }
        }
        return new Result(sent, skipped);
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), TIMEOUT) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
