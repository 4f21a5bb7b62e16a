package dev.sluice.cli.live;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.sluice.cli.dlq.DeadLetter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The latest records of the dead-letter ({@code *.dlq}) and quarantine ({@code *.quarantine}) topics, read as they
 * arrive by a consumer without a group (nothing is committed, no group shows up in the cluster). Only what their
 * headers say is kept (reason, rule, stage, where from): never the record's key or value, so a value a spec masks
 * downstream cannot reach the page.
 */
final class ProblemTail implements AutoCloseable {

    static final int KEEP = 100;
    private static final Duration REFRESH = Duration.ofSeconds(5);
    static final String RULE_HEADER = "sluice.quarantine.rule";

    record Problem(String kind, String topic, String stage, String reason, String rule, String table, long at,
                   String position) {
    }

    private final Deque<Problem> latest = new ArrayDeque<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Function<String, String> tableOfPipeline;
    private final Thread thread;
    private volatile boolean running = true;

    /** @param tableOfPipeline the source table a pipeline's quarantined records come from, or null */
    ProblemTail(String bootstrapServers, Function<String, String> tableOfPipeline) {
        this.tableOfPipeline = tableOfPipeline;
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.CLIENT_ID_CONFIG, "sluice-live-problems"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "sluice-live-problems");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    ArrayNode toJson(ArrayNode into) {
        synchronized (latest) {
            for (Problem p : latest) {
                into.addObject().put("kind", p.kind()).put("topic", p.topic()).put("stage", p.stage())
                        .put("reason", p.reason()).put("rule", p.rule()).put("table", p.table()).put("at", p.at())
                        .put("position", p.position());
            }
        }
        return into;
    }

    private void run() {
        Set<TopicPartition> assigned = new HashSet<>();
        long nextRefresh = 0;
        try {
            while (running) {
                if (System.nanoTime() >= nextRefresh) {
                    assigned = follow(assigned);
                    nextRefresh = System.nanoTime() + REFRESH.toNanos();
                }
                if (assigned.isEmpty()) {
                    Thread.sleep(500);
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    keep(problem(record));
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } catch (RuntimeException e) {
            if (running) {
                System.err.println("live page: stopped reading dead letters: " + e.getMessage());
            }
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Adds partitions of new problem topics, starting at their last {@link #KEEP} records. */
    private Set<TopicPartition> follow(Set<TopicPartition> assigned) {
        Set<TopicPartition> all = new HashSet<>(assigned);
        consumer.listTopics(Duration.ofSeconds(5)).forEach((topic, partitions) -> {
            if (topic.endsWith(".dlq") || topic.endsWith(".quarantine")) {
                partitions.forEach(p -> all.add(new TopicPartition(topic, p.partition())));
            }
        });
        if (all.equals(assigned)) {
            return assigned;
        }
        List<TopicPartition> added = all.stream().filter(tp -> !assigned.contains(tp)).toList();
        consumer.assign(all);
        Map<TopicPartition, Long> ends = consumer.endOffsets(added, Duration.ofSeconds(5));
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(added, Duration.ofSeconds(5));
        Map<TopicPartition, Long> from = new HashMap<>();
        added.forEach(tp -> from.put(tp, Math.max(starts.getOrDefault(tp, 0L), ends.getOrDefault(tp, 0L) - KEEP)));
        from.forEach(consumer::seek);
        return all;
    }

    private Problem problem(ConsumerRecord<byte[], byte[]> record) {
        boolean quarantine = record.topic().endsWith(".quarantine");
        DeadLetter letter = DeadLetter.of(record);
        Header ruleHeader = record.headers().lastHeader(RULE_HEADER);
        String rule = ruleHeader == null || ruleHeader.value() == null ? ""
                : new String(ruleHeader.value(), StandardCharsets.UTF_8);
        String pipeline = record.topic().substring(0, record.topic().lastIndexOf('.'));
        // ingest's dead letters name their source table instead of a topic (they are not replayable)
        Header tableHeader = record.headers().lastHeader("sluice.errors.table");
        String table = letter.sourceTopic() != null ? lastPart(letter.sourceTopic())
                : tableHeader != null && tableHeader.value() != null
                ? lastPart(new String(tableHeader.value(), StandardCharsets.UTF_8))
                : quarantine ? tableOfPipeline.apply(pipeline) : null;
        String reason = quarantine && "unknown".equals(letter.reason()) ? "a rule of its pipeline does not hold" : letter.reason();
        String stage = quarantine && "unknown".equals(letter.stage()) ? pipeline : letter.stage();
        return new Problem(quarantine ? "quarantine" : "dead letter", record.topic(), stage, reason, rule,
                table, record.timestamp(), letter.position());
    }

    private static String lastPart(String topic) {
        return topic.substring(topic.lastIndexOf('.') + 1);
    }

    private void keep(Problem p) {
        synchronized (latest) {
            latest.addFirst(p);
            while (latest.size() > KEEP) {
                latest.removeLast();
            }
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
