package dev.sluice.cli.replay;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What {@code sluice replay} will do to one pipeline, worked out before anything changes, so {@code --dry-run} prints
 * exactly what a real run does.
 *
 * @param application the pipeline's Streams application
 * @param from        where the replay starts
 * @param current     its committed input offsets now
 * @param target      the offsets it will restart from
 * @param topics      its internal topics to delete
 * @param stateDirs   its local state to delete
 */
public record ReplayPlan(StreamsApplication application, ReplayFrom from, Map<TopicPartition, Long> current,
                         Map<TopicPartition, Long> target, List<String> topics, List<Path> stateDirs) {

    /** The plan in lines a person reads. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("Replay of " + application.applicationId() + " from " + from.describe() + ":");
        if (target.isEmpty()) {
            lines.add("  no committed input offsets: the application has not consumed yet and starts from its"
                    + " input's beginning anyway");
        }
        target.forEach((tp, offset) -> lines.add("  reset " + tp + " from offset " + current.get(tp) + " to " + offset));
        topics.forEach(t -> lines.add("  delete internal topic " + t));
        stateDirs.forEach(d -> lines.add("  delete local state " + d));
        return lines;
    }
}
