package dev.sluice.cli.rebuild;

import dev.sluice.cli.replay.ReplayFrom;
import dev.sluice.cli.replay.StreamsApplication;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a rebuild's input topics still hold their whole history. A partition whose first retained offset is past 0
 * lost records to retention (or a delete-records call); compaction never moves that offset. A rebuild from such a
 * topic misses what only those records said, so {@code rebuild start} says so before it runs (it does not backfill:
 * docs/replay.md, "Not done yet").
 */
final class RetainedHistory {

    private RetainedHistory() {
    }

    /** One sentence per input partition that lost its start; empty when the whole history is there. */
    static List<String> truncated(Admin admin, Predicate<String> isInput) throws Exception {
        Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<String> inputs = topics.stream().filter(isInput).sorted().toList();
        if (inputs.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicDescription d : admin.describeTopics(inputs).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
            d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
        }
        return sentences(StreamsApplication.offsetsFrom(admin, partitions, ReplayFrom.EARLIEST));
    }

    static List<String> sentences(Map<TopicPartition, Long> earliest) {
        List<String> result = new ArrayList<>();
        earliest.forEach((tp, offset) -> {
            if (offset > 0) {
                result.add(tp + " starts at offset " + offset + ": its first " + offset + " records are gone, so the"
                        + " rebuild misses rows they alone carried; backfill the table first (sluice backfill) or"
                        + " rebuild from a topic that holds the whole history.");
            }
        });
        return result;
    }
}
