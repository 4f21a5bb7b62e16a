package dev.sluice.ingest.crash;

import dev.sluice.schemas.serde.AvroDeserializer;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads the items change topic from the start, read_committed, on a thread of its own, and keeps
 * per key the changes seen, as {@code op:counter} in topic order.
 */
final class ChangeCollector implements AutoCloseable {

    private final String topic;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final AvroDeserializer avro = new AvroDeserializer();
    private final Map<Long, List<String>> changes = new ConcurrentHashMap<>();
    /** Per key, what a version-guarded sink keeps: the change of the highest {@code source.lsn}, an equal one ignored. */
    private final Map<Long, Applied> applied = new ConcurrentHashMap<>();
    private final AtomicLong count = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;

    ChangeCollector(String bootstrapServers, String registryUrl, String topic) {
        this.topic = topic;
        avro.configure(Map.of("schema.registry.url", registryUrl), false);
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        TopicPartition partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        thread = new Thread(this::run, "crash-test-collector");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        continue; // a source heartbeat
                    }
                    GenericRecord key = (GenericRecord) avro.deserialize(topic, r.key());
                    GenericRecord value = (GenericRecord) avro.deserialize(topic, r.value());
                    String op = value.get("op").toString();
                    GenericRecord row = (GenericRecord) value.get("d".equals(op) ? "before" : "after");
                    long id = ((Number) key.get("id")).longValue();
                    changes.computeIfAbsent(id, k -> new ArrayList<>()).add(op + ":" + row.get("counter"));
                    long lsn = ((Number) ((GenericRecord) value.get("source")).get("lsn")).longValue();
                    Applied change = new Applied(lsn, "d".equals(op) ? null : ((Number) row.get("counter")).intValue());
                    applied.merge(id, change, (old, now) -> now.lsn() > old.lsn() ? now : old);
                    count.incrementAndGet();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    long count() {
        if (failure.get() != null) {
            throw new IllegalStateException("The collector failed", failure.get());
        }
        return count.get();
    }

    boolean seen(long id) {
        count();
        return changes.containsKey(id);
    }

    Map<Long, List<String>> changes() {
        return changes;
    }

    /** Per key, the counter a version-guarded upsert of every change seen leaves in the warehouse (null: deleted). */
    Map<Long, Integer> warehouse() {
        count();
        Map<Long, Integer> rows = new java.util.TreeMap<>();
        applied.forEach((id, a) -> {
            if (a.counter() != null) {
                rows.put(id, a.counter());
            }
        });
        return rows;
    }

    private record Applied(long lsn, Integer counter) {
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
        consumer.close();
    }
}
