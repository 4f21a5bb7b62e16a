package dev.sluice.transforms.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.KafkaTestCluster;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.schemas.serde.AvroDeserializer;
import dev.sluice.schemas.serde.AvroSerializer;
import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import dev.sluice.transforms.testkit.Envelopes;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Determinism on a real broker: one change topic (with replayed copies, shuffled deliveries and changes later
 * than the allowed lateness) processed from scratch by the same spec under two application ids gives identical
 * output, late and quarantine topics: same keys, same values, same order. The spec uses every stateful step
 * whose answer could depend on timing: the windowed dedupe, quality rules, and a hopping aggregate with min/max
 * over updates and deletes, emitting final rows at window close. One partition, so "same order" means the whole
 * topic; with several, the order per key holds for the row steps.
 */
class DeterminismIT {

    private static final String INPUT = "sluice.public.orders";
    private static final String SPEC = """
            pipeline: %s
            source: {topics: [sluice.public.orders]}
            steps:
              - dedupe: {window: 1h, allowed-lateness: 30s}
              - unwrap: {}
              - expect: {rules: [{field: amount, max: 900}]}
              - aggregate:
                  window: 1m
                  advance: 20s
                  time-field: created_at
                  allowed-lateness: 10s
                  emit: final
                  group-by: [note]
                  measures: {orders: count, total: {sum: amount}, low: {min: amount}, high: {max: amount}}
            output: {topic: %s.out}
            """;

    private static final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private static KafkaTestCluster kafka;
    private static EmbeddedSchemaRegistry registry;
    private static int produced;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void startAndProduce() {
        Metrics.addRegistry(meters);
        kafka = KafkaTestCluster.start();
        registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
        kafka.createTopic(INPUT, 1);
        produced = produceDisorderlyChanges();
    }

    @AfterAll
    static void stop() {
        Metrics.removeRegistry(meters);
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void theSameInputUnderTwoApplicationIdsGivesIdenticalOutputTopics() {
        try (TransformService first = service("det-a"); TransformService second = service("det-b")) {
            first.start();
            second.start();
            // on a loaded machine a commit can be seconds apart: read once each application consumed all its input
            awaitConsumed("sluice-det-a");
            awaitConsumed("sluice-det-b");
            List<String> outA = readUntilQuiet("det-a.out");
            List<String> outB = readUntilQuiet("det-b.out");
            assertThat(outA).hasSizeGreaterThan(50).isEqualTo(outB);
            List<String> lateA = readUntilQuiet("det-a.late");
            assertThat(lateA).isNotEmpty().isEqualTo(readUntilQuiet("det-b.late"));
            List<String> quarantineA = readUntilQuiet("det-a.quarantine");
            assertThat(quarantineA).isNotEmpty().isEqualTo(readUntilQuiet("det-b.quarantine"));
            // per step: records in and out, and Kafka Streams' own state-size and end-to-end latency metrics
            assertThat(meters.get("sluice.transforms.step.in").tag("pipeline", "det-a").tag("step", "dedupe")
                    .counter().count()).isEqualTo(produced);
            assertThat(meters.get("sluice.transforms.step.out").tag("pipeline", "det-a").tag("step", "dedupe")
                    .counter().count()).isLessThan(produced);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(meters.getMeters()).extracting(m -> m.getId().getName())
                            .anyMatch(name -> name.contains("estimate.num.keys"))
                            .anyMatch(name -> name.contains("record.e2e.latency")));
            System.out.printf("determinism: %d input records, %d aggregate rows, %d late, %d quarantined%n", produced,
                    outA.size(), lateA.size(), quarantineA.size());
        }
    }

    private TransformService service(String pipeline) {
        return new TransformService(TransformConfig.of(kafka.bootstrapServers(), registry.url())
                .withPipeline(PipelineSpecParser.parse(SPEC.formatted(pipeline, pipeline), pipeline + ".yaml"))
                .withStateDir(stateDir.resolve(pipeline)));
    }

    /**
     * 400 orders inserted, updated and deleted at random (seeded); every seventh change sent again later, blocks
     * of 20 sent shuffled across keys, and a few changes held back for minutes, beyond every lateness.
     */
    private static int produceDisorderlyChanges() {
        Envelopes orders = Envelopes.forTable("public", "orders");
        Random random = new Random(5);
        long t0 = System.currentTimeMillis() - Duration.ofHours(1).toMillis();
        long lsn = 10_000;
        Map<Integer, String> amounts = new HashMap<>();
        List<GenericRecord> changes = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            long ts = t0 + i * 300L;
            int id = 1 + random.nextInt(400);
            String amount = (1 + random.nextInt(1_000)) + "." + (10 + random.nextInt(90));
            String old = amounts.get(id);
            if (old == null) {
                changes.add(orders.insert(id, amount, lsn += 8, ts));
                amounts.put(id, amount);
            } else if (random.nextInt(5) == 0) {
                changes.add(orders.delete(id, old, lsn += 8, ts));
                amounts.remove(id);
            } else {
                changes.add(orders.update(id, old, amount, lsn += 8, ts));
                amounts.put(id, amount);
            }
        }
        List<GenericRecord> delivered = new ArrayList<>();
        List<GenericRecord> heldBack = new ArrayList<>();
        for (int block = 0; block < changes.size(); block += 20) {
            List<GenericRecord> shuffled = new ArrayList<>(changes.subList(block, Math.min(block + 20, changes.size())));
            Collections.shuffle(shuffled, random);
            for (GenericRecord change : shuffled) {
                delivered.add(change);
                if (random.nextInt(7) == 0) {
                    delivered.add(changes.get(Math.max(0, changes.indexOf(change) - random.nextInt(40))));
                }
                if (random.nextInt(150) == 0) {
                    heldBack.add(change);
                }
            }
            if (block % 400 == 380) {
                delivered.addAll(heldBack); // minutes late by now
                heldBack.clear();
            }
        }
        delivered.addAll(heldBack);
        send(orders, delivered);
        return delivered.size();
    }

    private static void send(Envelopes table, List<GenericRecord> envelopes) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<Object, Object> producer = new KafkaProducer<>(props, serializer(true), serializer(false))) {
            for (GenericRecord envelope : envelopes) {
                GenericRecord image = (GenericRecord) (envelope.get("after") != null ? envelope.get("after")
                        : envelope.get("before"));
                long ts = (Long) ((GenericRecord) envelope.get("source")).get("ts_ms");
                producer.send(new ProducerRecord<>(INPUT, null, ts, table.key((Integer) image.get("id")), envelope));
            }
            producer.flush();
        }
    }

    private static AvroSerializer serializer(boolean isKey) {
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of("schema.registry.url", registry.url()), isKey);
        return serializer;
    }

    /** Every record of the topic as "key | value | reason headers", in offset order, once nothing new comes for 5 s. */
    /**
     * Waits until {@code group} has committed the end of the input and of its repartition topics (one offset of
     * slack for a transaction marker): with exactly-once, its outputs up to there are committed too.
     */
    private static void awaitConsumed(String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get();
                if (!committed.containsKey(new TopicPartition(INPUT, 0))) {
                    return false;
                }
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                return committed.entrySet().stream().allMatch(e -> e.getValue() != null
                        && e.getValue().offset() >= ends.get(e.getKey()).offset() - 1);
            });
        }
    }

    private static List<String> readUntilQuiet(String topic) {
        List<String> records = new ArrayList<>();
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Deserializer<Object> keys = deserializer(true);
        Deserializer<Object> values = deserializer(false);
        try (KafkaConsumer<Object, Object> consumer = new KafkaConsumer<>(props, keys, values)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !consumer.partitionsFor(topic).isEmpty());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long[] lastNew = {System.nanoTime()};
            await().atMost(Duration.ofSeconds(90)).pollInSameThread().until(() -> {
                for (ConsumerRecord<Object, Object> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(record.partition() + " " + record.key() + " | " + record.value() + " | "
                            + reasons(record));
                    lastNew[0] = System.nanoTime();
                }
                return !records.isEmpty() && System.nanoTime() - lastNew[0] > Duration.ofSeconds(5).toNanos();
            });
        }
        return records;
    }

    private static String reasons(ConsumerRecord<Object, Object> record) {
        StringBuilder text = new StringBuilder();
        for (Header header : record.headers()) {
            if (header.key().startsWith("sluice.")) {
                text.append(header.key()).append('=').append(new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return text.toString();
    }

    private static Deserializer<Object> deserializer(boolean isKey) {
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(Map.of("schema.registry.url", registry.url()), isKey);
        return deserializer;
    }
}
