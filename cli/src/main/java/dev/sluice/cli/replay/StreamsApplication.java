package dev.sluice.cli.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A Kafka Streams application seen from outside, as Kafka's application reset tool sees one: its consumer group
 * (the application id), the input offsets committed there, its internal topics ({@code <id>-...-changelog},
 * {@code <id>-...-repartition}) and its local state directories. Every method asks the broker; none needs the
 * application to run, and the changing ones refuse while it does.
 *
 * @param applicationId the Streams {@code application.id}, which is the consumer group
 * @param stateDirs     where its state may live locally: {@code <state.dir>/<application.id>}
 */
public record StreamsApplication(String applicationId, List<Path> stateDirs) {

    private static final long TIMEOUT_SECONDS = 30;

    /** Changing a group with members would race them: one sentence naming the group and how to stop it. */
    public void requireStopped(Admin admin, String howToStop) {
        int members = members(admin, applicationId);
        if (members > 0) {
            throw new IllegalStateException("The consumer group " + applicationId + " still has " + members
                    + " member(s); stop " + howToStop + " first, then run the command again.");
        }
    }

    /** Members of {@code group} now; 0 for a group that does not exist. */
    public static int members(Admin admin, String group) {
        try {
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(group);
            return d == null ? 0 : d.members().size();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return 0;
            }
            throw kafkaFailure("describe consumer group " + group, e);
        } catch (Exception e) {
            throw kafkaFailure("describe consumer group " + group, e);
        }
    }

    /** The committed offsets of its input partitions (internal repartition topics left out). */
    public Map<TopicPartition, Long> committedInputs(Admin admin) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, Long> inputs = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
            committed.forEach((tp, offset) -> {
                if (offset != null && !isInternal(tp.topic())) {
                    inputs.put(tp, offset.offset());
                }
            });
            return inputs;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of();
            }
            throw kafkaFailure("read the offsets of " + applicationId, e);
        } catch (Exception e) {
            throw kafkaFailure("read the offsets of " + applicationId, e);
        }
    }

    /** Its repartition and changelog topics that exist now, sorted. */
    public List<String> internalTopics(Admin admin) {
        try {
            Set<String> topics = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return topics.stream().filter(this::isInternal).sorted().toList();
        } catch (Exception e) {
            throw kafkaFailure("list topics", e);
        }
    }

    private boolean isInternal(String topic) {
        return topic.startsWith(applicationId + "-") && (topic.endsWith("-changelog") || topic.endsWith("-repartition"));
    }

    /** Its state directories that exist now. */
    public List<Path> existingStateDirs() {
        return stateDirs.stream().filter(Files::isDirectory).toList();
    }

    /**
     * Per partition, the offset a replay {@code from} starts at: the earliest retained one, or the first whose
     * timestamp is at or after the time (the end of the partition when none is).
     */
    public static Map<TopicPartition, Long> offsetsFrom(Admin admin, Iterable<TopicPartition> partitions, ReplayFrom from) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, from.timestamp().map(OffsetSpec::forTimestamp).orElse(OffsetSpec.earliest())));
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> found = admin.listOffsets(request).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, Long> result = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
            found.forEach((tp, info) -> result.put(tp, info.offset() < 0 ? ends.get(tp).offset() : info.offset()));
            return result;
        } catch (Exception e) {
            throw kafkaFailure("look up offsets", e);
        }
    }

    /** Sets its committed offsets (the group must have no members). */
    public void resetOffsets(Admin admin, Map<TopicPartition, Long> offsets) {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        offsets.forEach((tp, offset) -> commit.put(tp, new OffsetAndMetadata(offset)));
        try {
            admin.alterConsumerGroupOffsets(applicationId, commit).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw kafkaFailure("reset the offsets of " + applicationId, e);
        }
    }

    /** Deletes these topics; one already gone is fine. */
    public static void deleteTopics(Admin admin, List<String> topics) {
        if (topics.isEmpty()) {
            return;
        }
        try {
            admin.deleteTopics(topics).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw kafkaFailure("delete topics " + topics, e);
            }
        } catch (Exception e) {
            throw kafkaFailure("delete topics " + topics, e);
        }
    }

    /** Deletes its consumer group (offsets included); one that does not exist is fine. */
    public static void deleteGroup(Admin admin, String group) {
        try {
            admin.deleteConsumerGroups(List.of(group)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw kafkaFailure("delete consumer group " + group, e);
            }
        } catch (Exception e) {
            throw kafkaFailure("delete consumer group " + group, e);
        }
    }

    /** Deletes its local state directories. */
    public void deleteState() {
        for (Path dir : existingStateDirs()) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot delete the state directory " + dir + " (" + e.getMessage()
                        + "); delete it by hand.", e);
            }
        }
    }

    private static IllegalStateException kafkaFailure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new IllegalStateException("Cannot " + what + " (" + cause.getMessage()
                + "); check that Kafka is reachable and that this client may manage consumer groups and topics.", e);
    }
}
