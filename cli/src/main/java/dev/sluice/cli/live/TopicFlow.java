package dev.sluice.cli.live;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Records per second into each topic (its end offsets between two readings) and records each consumer group has not
 * consumed yet, per topic: the rate and lag of each edge of the page's picture.
 */
final class TopicFlow {

    private static final long TIMEOUT_S = 3;

    /** One reading: per topic records/s (absent on the first reading) and per group, per topic, records behind. */
    record Reading(Map<String, Double> rates, Map<String, Map<String, Long>> lag) {
        long lag(String group, String topic) {
            return lag.getOrDefault(group, Map.of()).getOrDefault(topic, -1L);
        }
    }

    private final Admin admin;
    private Map<String, Long> lastEnds = Map.of();
    private long lastAt;

    TopicFlow(Admin admin) {
        this.admin = admin;
    }

    Reading read(Collection<String> topics, Collection<String> groups) throws Exception {
        Set<String> existing = new HashSet<>(admin.listTopics().names().get(TIMEOUT_S, TimeUnit.SECONDS));
        List<String> present = topics.stream().filter(existing::contains).distinct().toList();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription d : admin.describeTopics(present).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).values()) {
            d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest()));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(TIMEOUT_S, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        long now = System.nanoTime();
        Map<String, Long> topicEnds = new HashMap<>();
        ends.forEach((tp, end) -> topicEnds.merge(tp.topic(), end, Long::sum));
        Map<String, Double> rates = new HashMap<>();
        if (lastAt != 0) {
            double seconds = Math.max(1e-3, (now - lastAt) / 1e9);
            topicEnds.forEach((topic, end) -> {
                Long before = lastEnds.get(topic);
                if (before != null) {
                    rates.put(topic, Math.max(0, end - before) / seconds);
                }
            });
        }
        lastEnds = topicEnds;
        lastAt = now;
        Map<String, Map<String, Long>> lag = new HashMap<>();
        for (String group : groups) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_S, TimeUnit.SECONDS);
            Map<String, Long> behind = new HashMap<>();
            committed.forEach((tp, offset) -> {
                Long end = ends.get(tp);
                if (offset != null && end != null) {
                    behind.merge(tp.topic(), Math.max(0, end - offset.offset()), Long::sum);
                }
            });
            lag.put(group, behind);
        }
        return new Reading(rates, lag);
    }
}
