package dev.sluice.ingest.engine;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * The engine's source offset store for exactly-once ingestion: reads the compacted offsets topic
 * once, at start, with {@code isolation.level=read_committed}, so only offsets whose Kafka
 * transaction committed (together with the changes before them) count. It never writes: the
 * {@code ChangePublisher} writes each offset inside the Kafka transaction that holds the changes
 * it follows, in the record format Connect's offset writer uses (see {@link SourceOffsetRecords}),
 * so offsets stored by earlier at-least-once versions are read the same way.
 *
 * <p>{@link #set} keeps offsets in memory only: the engine calls it when it "commits" offsets, and
 * the PostgreSQL connector then flushes to the replication slot the LSN of the offset it reads
 * back from this store. By then the publisher has committed those offsets to Kafka, which is what
 * makes advancing the slot safe.
 *
 * <p>Client security settings ({@code security.*}, {@code ssl.*}, {@code sasl.*}) given to the
 * engine reach the consumer too. Fails at start (and so the engine) when the topic cannot be read.
 */
public class KafkaOffsetStore implements OffsetBackingStore {

    private static final Logger log = LoggerFactory.getLogger(KafkaOffsetStore.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final Map<ByteBuffer, ByteBuffer> offsets = new HashMap<>();
    private Map<String, Object> consumerConfig;
    private String topic;

    /** Engine properties with this prefix are Kafka client settings of the service (TLS, SASL), prefix removed. */
    public static final String KAFKA_PREFIX = "sluice.kafka.";

    /** For the engine's reflective construction. */
    public KafkaOffsetStore() {
    }

    @Override
    public void configure(WorkerConfig config) {
        topic = config.getString("offset.storage.topic");
        if (topic == null || topic.isBlank()) {
            throw new IllegalArgumentException("The offsets topic is missing; set offset.storage.topic.");
        }
        Map<String, Object> props = new HashMap<>();
        config.originals().forEach((key, value) -> {
            if (key.startsWith("security.") || key.startsWith("ssl.") || key.startsWith("sasl.")) {
                props.put(key, value);
            }
        });
        config.originals().forEach((key, value) -> {
            if (key.startsWith(KAFKA_PREFIX)) {
                props.put(key.substring(KAFKA_PREFIX.length()), value);
            }
        });
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                String.join(",", config.getList(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG)));
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "sluice-ingest-offsets-reader");
        // an aborted (or still open) transaction's offset must never be a resume point
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig = props;
    }

    @Override
    public synchronized void start() {
        Map<ByteBuffer, ByteBuffer> read = readCommitted(consumerConfig, topic);
        offsets.clear();
        offsets.putAll(read);
        log.debug("Read {} source offset(s) from {}", offsets.size(), topic);
    }

    /** The latest committed value per key of {@code topic}; a null value (tombstone) removes the key. */
    static Map<ByteBuffer, ByteBuffer> readCommitted(Map<String, Object> consumerConfig, String topic) {
        Map<ByteBuffer, ByteBuffer> latest = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig,
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, READ_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("The offsets topic " + topic + " does not exist; it is created at start, so check the broker and this client's ACLs.");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // with read_committed, the end offsets are the last stable offsets: a transaction still
            // open (a fenced predecessor's) is waited for until the broker aborts or commits it
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, READ_TIMEOUT);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read the offsets topic " + topic + " within "
                            + READ_TIMEOUT.toSeconds() + " s; check that the brokers are up.");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() == null) {
                        continue;
                    }
                    if (r.value() == null) {
                        latest.remove(ByteBuffer.wrap(r.key()));
                    } else {
                        latest.put(ByteBuffer.wrap(r.key()), ByteBuffer.wrap(r.value()));
                    }
                }
            }
        }
        return latest;
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized void stop() {
        offsets.clear();
    }

    @Override
    public synchronized Future<Map<ByteBuffer, ByteBuffer>> get(Collection<ByteBuffer> keys) {
        Map<ByteBuffer, ByteBuffer> found = new HashMap<>();
        for (ByteBuffer key : keys) {
            ByteBuffer value = offsets.get(key);
            if (value != null) {
                found.put(key, value);
            }
        }
        return CompletableFuture.completedFuture(found);
    }

    /**
     * Keeps the offsets in memory, without writing them: they are already in Kafka, committed by the
     * publisher. The engine hands over the offsets of records marked processed (only ever after
     * their Kafka transaction committed), and the PostgreSQL connector reads them back through
     * {@link #get} to flush the LSN to the replication slot: this is the path that lets the slot
     * follow Kafka, never lead it.
     */
    @Override
    public synchronized Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        values.forEach((key, value) -> {
            if (value == null) {
                offsets.remove(key);
            } else {
                offsets.put(key, value);
            }
        });
        if (callback != null) {
            callback.onCompletion(null, null);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return Set.of();
    }
}
