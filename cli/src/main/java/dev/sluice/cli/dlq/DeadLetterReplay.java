package dev.sluice.cli.dlq;

import dev.sluice.schemas.kafka.RecordSizeLimit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends the records of a dead-letter topic back to the topics they came from, each to its own partition with its
 * own key, value, timestamp and headers (the error headers left out, {@link DeadLetter#REPLAYED_FROM} added).
 * Exactly once: the sends and the consumer group's position on the dead-letter topic ({@link #group}) commit in one
 * Kafka transaction, so a replay that is interrupted or run again sends each dead letter once. Downstream the
 * version guard makes a replayed row harmless when a newer one has landed since.
 */
final class DeadLetterReplay {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What a replay did: records sent back, and records skipped because no header names their source. */
    record Result(long replayed, long skipped) {
    }

    private final Map<String, String> kafka;
    private final RecordSizeLimit limit;

    /** @param kafka Kafka client settings, bootstrap.servers included */
    DeadLetterReplay(Map<String, String> kafka) {
        this(kafka, RecordSizeLimit.DEFAULT);
    }

    DeadLetterReplay(Map<String, String> kafka, RecordSizeLimit limit) {
        this.kafka = kafka;
        this.limit = limit;
    }

    /** The consumer group holding how far {@code topic} has been replayed. */
    static String group(String topic) {
        return "sluice-dlq-replay-" + topic;
    }

    /** Replays what {@code topic} holds beyond the group's position, up to its end as of the call. */
    Result replay(String topic, Consumer<DeadLetter> replayed) {
        String group = group(topic);
        Map<String, Object> consumerProps = limit.withConsumer(kafka);
        consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Object> producerProps = limit.withProducer(kafka);
        // one transactional id per dead-letter topic: a second replay of the same topic fences the first
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
                throw new IllegalArgumentException("There is no topic " + topic + "; sluice dlq list shows the dead-letter topics.");
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            producer.initTransactions();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Replaying " + topic + " made no progress for " + TIMEOUT.toSeconds()
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
                        continue; // arrived after the replay started: left for the next one
                    }
                    DeadLetter letter = DeadLetter.of(record);
                    if (letter.replayable()) {
                        producer.send(sendBack(letter));
                        replayed.accept(letter);
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

    private static ProducerRecord<byte[], byte[]> sendBack(DeadLetter letter) {
        ConsumerRecord<byte[], byte[]> record = letter.record();
        Headers headers = letter.originalHeaders();
        headers.add(DeadLetter.REPLAYED_FROM, letter.position().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(letter.sourceTopic(), letter.sourcePartition() >= 0 ? letter.sourcePartition() : null,
                record.timestamp() >= 0 ? record.timestamp() : null, record.key(), record.value(), headers);
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
