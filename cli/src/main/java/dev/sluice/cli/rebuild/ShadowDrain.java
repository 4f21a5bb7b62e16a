package dev.sluice.cli.rebuild;

import static dev.sluice.sink.dialect.Identifiers.quote;

import dev.sluice.sink.write.OffsetStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * "Caught up" for tables whose rows carry no source position: the outputs of a pipeline that regroups (a
 * foreign-key join, an aggregate) get no completeness frontier, since no heartbeat can pass a repartition, and their
 * {@code __version} counts a key's updates, which two versions of a pipeline do not count alike. So the pipelines
 * themselves are compared, through Kafka:
 * <ol>
 * <li>the shadow application has read every input partition at least as far as the live application (which wrote
 *     everything the live table holds), or to its end;</li>
 * <li>then everything that reading produced has gone through the shadow: once per internal topic and once more for
 *     the sink, the ends of the shadow's internal and output topics are read, and its application (internal topics)
 *     and its sink ({@code _sluice_offsets}, output topics) must reach them. A record produced before one reading is
 *     consumed before the next one passes, so after as many rounds as the shadow has hops, whatever the input up to
 *     step 1's positions produced is in the shadow tables.</li>
 * </ol>
 * With the live version stopped (its application and its sink) and the shadow stopped, as {@code promote} runs, every
 * position is fixed and the answer is exact. While they run it says whether the shadow keeps up with the live
 * application. Ends are read committed (the last stable offset): the topics compared are written in transactions (by
 * cdc-ingest, by exactly-once Streams applications), whose last entry before that end is a commit marker, which a
 * consumer that has read every record may not have committed past; so a position one short of the end counts as
 * the end.
 */
final class ShadowDrain {

    private static final long TIMEOUT_SECONDS = 30;
    private static final Duration POLL = Duration.ofMillis(100);

    private final Admin admin;
    private final Connection warehouse;
    private final Rebuilds.Row row;
    private final String liveApplication;

    /**
     * @param liveApplication the application that fills the live tables: {@code sluice-<pipeline>}, or the
     *                        application of the pipeline's promoted rebuild
     */
    ShadowDrain(Admin admin, Connection warehouse, Rebuilds.Row row, String liveApplication) {
        this.admin = admin;
        this.warehouse = warehouse;
        this.row = row;
        this.liveApplication = liveApplication;
    }

    /**
     * Empty when the shadow has caught up with the live application, else one sentence saying where it is behind.
     *
     * @param round   how long each round may wait for the shadow to reach the ends it read (zero: not at all)
     * @param through whether to follow the input through the shadow's topics to its sink (step 2). A shadow stopped
     *                while its source writes keeps a few records in flight in its internal topics, so step 2 is for a
     *                running shadow ({@code status}); after it, a stopped one only needs step 1 checked again
     *                ({@code promote})
     */
    Optional<String> behind(Duration round, boolean through) throws SQLException, InterruptedException {
        Map<TopicPartition, Long> shadow = committed(row.applicationId());
        Map<TopicPartition, Long> live = committed(liveApplication);
        Map<TopicPartition, Long> liveInputs = new HashMap<>();
        live.forEach((tp, offset) -> {
            if (!tp.topic().startsWith(liveApplication + "-")) {
                liveInputs.put(tp, offset);
            }
        });
        if (shadow.isEmpty()) {
            return Optional.of("its application " + row.applicationId() + " has committed no offset yet");
        }
        Map<TopicPartition, Long> inputEnds = ends(liveInputs.keySet());
        for (Map.Entry<TopicPartition, Long> input : liveInputs.entrySet()) {
            long at = shadow.getOrDefault(input.getKey(), 0L);
            if (at < input.getValue() && !reached(at, inputEnds.get(input.getKey()))) {
                return Optional.of("its application " + row.applicationId() + " has read " + input.getKey() + " to offset "
                        + at + ", the live application " + liveApplication + " to " + input.getValue() + " (tables without a frontier are"
                        + " compared by the inputs read: to promote, stop the live application as well as its sink)");
            }
        }
        if (!through) {
            return Optional.empty();
        }
        // what the application consumes of its own topics: repartition and foreign-key subscription topics
        String prefix = row.applicationId() + "-";
        Set<TopicPartition> internalPartitions = partitions(Pattern.compile(Pattern.quote(prefix) + ".*"), "-changelog");
        Set<String> internal = new TreeSet<>();
        internalPartitions.forEach(tp -> internal.add(tp.topic()));
        Set<TopicPartition> watched = new HashSet<>(internalPartitions);
        watched.addAll(partitions(Pattern.compile(row.topicsRegex()), null));
        for (int i = 0; i <= internal.size(); i++) {
            Map<TopicPartition, Long> marks = ends(watched);
            Optional<String> lag = lag(marks, internal);
            long deadline = System.nanoTime() + round.toNanos();
            while (lag.isPresent() && System.nanoTime() < deadline) {
                Thread.sleep(POLL.toMillis());
                lag = lag(marks, internal);
            }
            if (lag.isPresent()) {
                return lag;
            }
        }
        return Optional.empty();
    }

    /** The first partition whose consumer has not reached its mark, described; empty when all have. */
    private Optional<String> lag(Map<TopicPartition, Long> marks, Set<String> internal) throws SQLException {
        Map<TopicPartition, Long> app = committed(row.applicationId());
        Map<TopicPartition, Long> sink = sinkOffsets();
        for (Map.Entry<TopicPartition, Long> mark : marks.entrySet()) {
            TopicPartition tp = mark.getKey();
            boolean byApp = internal.contains(tp.topic());
            long at = (byApp ? app : sink).getOrDefault(tp, 0L);
            if (!reached(at, mark.getValue())) {
                return Optional.of((byApp ? "its application " + row.applicationId() : "its sink " + row.connector())
                        + " has read " + tp + " to offset " + at + " of " + mark.getValue());
            }
        }
        return Optional.empty();
    }

    /** A position at the end, or one short of it: the last entry before a read-committed end is a commit marker. */
    static boolean reached(long position, long end) {
        return position >= end - 1;
    }

    private Map<TopicPartition, Long> committed(String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, Long> result = new HashMap<>();
            offsets.forEach((tp, o) -> {
                if (o != null) {
                    result.put(tp, o.offset());
                }
            });
            return result;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof GroupIdNotFoundException) {
                return Map.of();
            }
            throw failure("read the offsets of " + group, e);
        } catch (Exception e) {
            throw failure("read the offsets of " + group, e);
        }
    }

    private Map<TopicPartition, Long> ends(Set<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        try {
            Map<TopicPartition, Long> result = new HashMap<>();
            admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).forEach((tp, info) -> result.put(tp, info.offset()));
            return result;
        } catch (Exception e) {
            throw failure("read the end offsets of " + partitions, e);
        }
    }

    /** The partitions of the topics matching {@code topics}, but for those ending with {@code except}. */
    private Set<TopicPartition> partitions(Pattern topics, String except) {
        try {
            List<String> names = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                    .filter(t -> topics.matcher(t).matches() && (except == null || !t.endsWith(except))).toList();
            Set<TopicPartition> result = new HashSet<>();
            if (!names.isEmpty()) {
                admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).forEach((name, d) ->
                        d.partitions().forEach(p -> result.add(new TopicPartition(name, p.partition()))));
            }
            return result;
        } catch (Exception e) {
            throw failure("list the topics matching " + topics, e);
        }
    }

    /** The shadow sink's next offsets, as stored in the warehouse with the rows they wrote. */
    private Map<TopicPartition, Long> sinkOffsets() throws SQLException {
        Map<TopicPartition, Long> result = new HashMap<>();
        if (!TableSwap.exists(warehouse, OffsetStore.OFFSETS_TABLE)) {
            return result;
        }
        try (PreparedStatement ps = warehouse.prepareStatement("SELECT " + quote("topic") + ", " + quote("partition")
                + ", " + quote("next_offset") + " FROM " + quote(OffsetStore.OFFSETS_TABLE) + " WHERE "
                + quote("connector") + " = ?")) {
            ps.setString(1, row.connector());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
                }
            }
        }
        return result;
    }

    private static IllegalStateException failure(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
        return new IllegalStateException("Could not " + what + " in Kafka: " + cause.getMessage()
                + "; check --bootstrap-servers and that the broker is up.", cause);
    }
}
