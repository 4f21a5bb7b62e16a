package dev.sluice.transforms.replicate;

import dev.sluice.schemas.heartbeat.Heartbeat;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.common.serialization.Serde;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Passes source heartbeats ({@link Heartbeat}: no key, no value, headers) from a change topic to every partition of
 * its row topic. A task handles one change-topic partition in order and sends through one producer, so on every
 * row-topic partition the heartbeat lands after every row derived from the changes before it: the sink can then
 * record "complete up to this LSN" for the rows of that origin. Headers, and so the origin partition, pass unchanged.
 * That holds for any pipeline whose steps keep each input partition's records in order on the way out without
 * regrouping them (dedupe, unwrap, filter, project, rename, mask, expect); a join or an aggregate regroups through
 * other topics, so a pipeline with one does not relay heartbeats.
 */
public final class HeartbeatRelay {

    private HeartbeatRelay() {
    }

    /** Adds the relay from {@code input}; the heartbeats go to {@code outputTopic}'s every partition. */
    public static <K, V> void apply(KStream<K, V> changes, TopicNameExtractor<K, V> rowTopic, Serde<K> keySerde,
                                    Serde<V> valueSerde) {
        changes.processValues(OnlyHeartbeats<K, V>::new, Named.as("heartbeats"))
                .to(rowTopic, Produced.with(keySerde, valueSerde).withStreamPartitioner(new EveryPartition<>())
                        .withName("heartbeat-sink"));
    }

    /** Forwards heartbeat records and nothing else. */
    private static final class OnlyHeartbeats<K, V> implements FixedKeyProcessor<K, V, V> {
        private FixedKeyProcessorContext<K, V> context;

        @Override
        public void init(FixedKeyProcessorContext<K, V> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<K, V> record) {
            if (record.value() == null && Heartbeat.isHeartbeat(record.headers())) {
                context.forward(record);
            }
        }
    }

    /** Multicasts to all partitions of the output topic. */
    private static final class EveryPartition<K, V> implements StreamPartitioner<K, V> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, K key, V value, int numPartitions) {
            return Optional.of(IntStream.range(0, numPartitions).boxed().collect(Collectors.toSet()));
        }
    }
}
