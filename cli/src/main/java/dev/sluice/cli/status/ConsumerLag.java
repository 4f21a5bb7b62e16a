package dev.sluice.cli.status;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.admin.ListOffsetsOptions;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Records not yet consumed by a group: committed position against the last committed record. */
public final class ConsumerLag {

    private final Admin admin;

    public ConsumerLag(Admin admin) {
        this.admin = admin;
    }

    /** Summed lag of the groups over all their partitions; -1 when it cannot be read right now. */
    public long of(List<String> groups) {
        return measure(groups, 0);
    }

    /**
     * Partitions on which a group is more than one record behind; -1 when unknown. One record of
     * slack because a transactional producer's commit marker takes an offset that a sink's committed
     * position (last record + 1) never passes. A group that has committed nothing yet counts as one
     * partition behind: it has not started, so it cannot be caught up.
     */
    public long partitionsBehind(List<String> groups) {
        return measure(groups, 1);
    }

    private long measure(List<String> groups, long slack) {
        boolean countPartitions = slack > 0;
        long total = 0;
        try {
            for (String group : groups) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
                if (committed.isEmpty()) {
                    total += countPartitions ? 1 : 0;
                    continue;
                }
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin
                        .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                        .all().get(5, TimeUnit.SECONDS);
                for (var e : committed.entrySet()) {
                    if (e.getValue() != null && ends.containsKey(e.getKey())) {
                        long behind = Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset());
                        total += countPartitions ? (behind > slack ? 1 : 0) : behind;
                    }
                }
            }
            return total;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }
}
