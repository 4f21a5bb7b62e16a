package dev.sluice.cli.demo;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Copies a change topic, record for record (bytes, headers, timestamp, partition), into another topic the way a
 * bad network would deliver it: each polled batch goes out shuffled across keys (each key's own changes stay in
 * order, as Kafka keeps them per partition), and about one record in six is sent again with the next batch, a
 * replayed change event arriving after newer ones. Counts what it did, so a test can hold the pipeline to it.
 */
final class DisorderlyRelay implements AutoCloseable {

    private final String to;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Random random = new Random(7);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong relayed = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong outOfOrder = new AtomicLong();
    private final Map<Integer, Long> lastTimestamp = new java.util.HashMap<>();
    private final Thread thread;
    private volatile Throwable failure;

    DisorderlyRelay(String bootstrapServers, String from, String to, int partitions) {
        this.to = to;
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> assigned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            assigned.add(new TopicPartition(from, p));
        }
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all"),
                new ByteArraySerializer(), new ByteArraySerializer());
        this.thread = new Thread(this::run, "disorderly-relay");
        thread.setDaemon(true);
        thread.start();
    }

    long relayed() {
        return relayed.get();
    }

    long duplicates() {
        return duplicates.get();
    }

    /** Records sent with an earlier timestamp than the record sent before them in their partition. */
    long outOfOrder() {
        return outOfOrder.get();
    }

    private void run() {
        List<ConsumerRecord<byte[], byte[]>> replayNext = new ArrayList<>();
        try {
            while (running.get()) {
                List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.value() != null) {
                        batch.add(r); // source heartbeats (no key, no value) are not relayed
                    }
                });
                List<ConsumerRecord<byte[], byte[]>> replays = replayNext;
                replayNext = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    if (random.nextInt(6) == 0) {
                        replayNext.add(record);
                    }
                }
                for (ConsumerRecord<byte[], byte[]> record : shuffledKeepingKeyOrder(batch)) {
                    send(record);
                }
                for (ConsumerRecord<byte[], byte[]> record : replays) {
                    send(record);
                    duplicates.incrementAndGet();
                }
                producer.flush();
            }
            for (ConsumerRecord<byte[], byte[]> record : replayNext) {
                send(record);
                duplicates.incrementAndGet();
            }
            producer.flush();
        } catch (Throwable t) {
            failure = t;
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> shuffledKeepingKeyOrder(List<ConsumerRecord<byte[], byte[]>> batch) {
        Map<ByteBuffer, Deque<ConsumerRecord<byte[], byte[]>>> byKey = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : batch) {
            byKey.computeIfAbsent(ByteBuffer.wrap(record.key()), k -> new ArrayDeque<>()).add(record);
        }
        List<Deque<ConsumerRecord<byte[], byte[]>>> queues = new ArrayList<>(byKey.values());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>(batch.size());
        while (!queues.isEmpty()) {
            int i = random.nextInt(queues.size());
            out.add(queues.get(i).poll());
            if (queues.get(i).isEmpty()) {
                queues.remove(i);
            }
        }
        return out;
    }

    private void send(ConsumerRecord<byte[], byte[]> record) {
        Long previous = lastTimestamp.put(record.partition(), record.timestamp());
        if (previous != null && record.timestamp() < previous) {
            outOfOrder.incrementAndGet();
        }
        producer.send(new ProducerRecord<>(to, record.partition(), record.timestamp(), record.key(), record.value(),
                record.headers()));
        relayed.incrementAndGet();
    }

    /** Stops after relaying what it has read, and the replays it still owes. */
    @Override
    public void close() {
        running.set(false);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        producer.close();
        if (failure != null) {
            throw new IllegalStateException("the relay failed: " + failure, failure);
        }
    }
}
