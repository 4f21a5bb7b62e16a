package dev.sluice.cli.rebuild;

import dev.sluice.cli.replay.ReplayFrom;
import dev.sluice.cli.replay.StreamsApplication;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * Whether a rebuild's input topics still hold the history it has not read yet. A partition whose first retained
 * offset is past where the rebuild reads from (0 at its first start, its committed offset when it resumes) lost
 * records to retention (or a delete-records call); compaction never moves that offset. A rebuild from such a topic
 * misses what only those records said, so {@code rebuild start} backfills the tables of such change topics first
 * ({@link HistoryBackfill}) and names the others.
 */
final class RetainedHistory {

    /** What a warning for a partition that nothing backfills tells the user to do. */
    static final String BACKFILL_FIRST = "backfill the table first (sluice backfill, or give rebuild start --source-url"
            + " of the captured database to have it done) or rebuild from a topic that holds the whole history.";

    /** An input partition whose records from {@code from} up to {@code earliest} are gone. */
    record Gap(TopicPartition partition, long from, long earliest) {

        /** One sentence saying what is gone, ending with {@code remedy}. */
        String sentence(String remedy) {
            String gone = from == 0 ? "starts at offset " + earliest + ": its first " + earliest + " records are gone"
                    : "starts at offset " + earliest + ", past offset " + from + " where the rebuild stopped: records "
                            + from + " to " + (earliest - 1) + " are gone";
            return partition + " " + gone + ", so the rebuild misses rows they alone carried; " + remedy;
        }
    }

    private RetainedHistory() {
    }

    /** One sentence per input partition that lost its start; empty when the whole history is there. */
    static List<String> truncated(Admin admin, Predicate<String> isInput) throws Exception {
        return gaps(admin, isInput, Map.of()).stream().map(g -> g.sentence(BACKFILL_FIRST)).toList();
    }

    /**
     * The input partitions whose first retained offset is past the rebuild's committed offset ({@code committed}, 0
     * for a partition it never committed), in topic and partition order.
     */
    static List<Gap> gaps(Admin admin, Predicate<String> isInput, Map<TopicPartition, Long> committed) throws Exception {
        Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<String> inputs = topics.stream().filter(isInput).sorted().toList();
        if (inputs.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (TopicDescription d : admin.describeTopics(inputs).allTopicNames().get(30, TimeUnit.SECONDS).values()) {
            d.partitions().forEach(p -> partitions.add(new TopicPartition(d.name(), p.partition())));
        }
        return gaps(StreamsApplication.offsetsFrom(admin, partitions, ReplayFrom.EARLIEST), committed);
    }

    static List<Gap> gaps(Map<TopicPartition, Long> earliest, Map<TopicPartition, Long> committed) {
        List<Gap> result = new ArrayList<>();
        earliest.forEach((tp, offset) -> {
            long from = committed.getOrDefault(tp, 0L);
            if (offset > from) {
                result.add(new Gap(tp, from, offset));
            }
        });
        result.sort(Comparator.comparing((Gap g) -> g.partition().topic()).thenComparing(g -> g.partition().partition()));
        return result;
    }
}
