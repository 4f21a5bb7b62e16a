package dev.sluice.cli.chaos;

import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.reconcile.TableComparison;
import dev.sluice.schemas.heartbeat.Heartbeat;
import dev.sluice.schemas.serde.AvroDeserializer;
import dev.sluice.transforms.replicate.ReplicationSpec;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Evidence for a mismatch: for up to {@code Reconciler.KEYS_KEPT} differing keys per table, every record of the key on
 * its change topic and its row topic, committed or not (aborted or still open), with partition, offset, operation, LSN
 * or version and delete flag; the positions of both consumer groups and of {@code _sluice_offsets} on those partitions;
 * and the stage that lost the key's newest change ({@link TraceVerdict}). A failed run then explains itself.
 */
final class KeyTrace {

    private KeyTrace() {
    }

    /** Traces the differing keys of every mismatched table; never throws (the verdict stands without the trace). */
    static void printMismatches(List<TableComparison> tables, String bootstrap, String registryUrl, WarehouseTarget warehouse,
                                PrintStream out, String prefix) {
        for (TableComparison t : tables) {
            if (t.matches() || t.keys().isEmpty()) {
                continue;
            }
            try {
                print(t, bootstrap, registryUrl, warehouse, out, prefix);
            } catch (Exception e) {
                out.println(prefix + ": trace of " + t.table() + " failed: " + e);
            }
        }
    }

    private static void print(TableComparison table, String bootstrap, String registryUrl, WarehouseTarget warehouse,
                              PrintStream out, String prefix) throws Exception {
        String changeTopic = "sluice." + table.table();
        String rowTopic = ReplicationSpec.DEFAULT_PIPELINE + "." + table.table();
        Set<String> keys = new HashSet<>();
        table.keys().forEach(k -> keys.add(k.key()));
        Map<String, List<TraceVerdict.Seen>> changes = records(bootstrap, registryUrl, changeTopic, keys);
        Map<String, List<TraceVerdict.Seen>> rows = records(bootstrap, registryUrl, rowTopic, keys);
        Map<TopicPartition, Long> stored = SinkOffsets.stored(warehouse);
        printPositions(bootstrap, changeTopic, rowTopic, stored, out, prefix);
        for (TableComparison.KeyDifference key : table.keys()) {
            List<TraceVerdict.Seen> c = changes.getOrDefault(key.key(), List.of());
            List<TraceVerdict.Seen> r = rows.getOrDefault(key.key(), List.of());
            out.printf("%s: trace %s key %s (%s; warehouse __version %s): %d records on %s, %d on %s%n", prefix, table.table(),
                    key.key(), key.kind(), key.warehouseVersion(), c.size(), changeTopic, r.size(), rowTopic);
            c.forEach(s -> out.printf("%s:   %s%n", prefix, line(s, "lsn")));
            r.forEach(s -> out.printf("%s:   %s%n", prefix, line(s, "__version")));
            out.printf("%s:   => %s%n", prefix, TraceVerdict.explain(c, r, key.warehouseVersion(), stored));
        }
    }

    private static String line(TraceVerdict.Seen s, String versionName) {
        return s.at() + " " + (s.committed() ? "committed" : "NOT committed (aborted or open)") + " " + s.op() + " "
                + versionName + "=" + s.version();
    }

    /** Per partition: end offset, the group's committed offset, and for the row topic the warehouse's stored offset. */
    private static void printPositions(String bootstrap, String changeTopic, String rowTopic, Map<TopicPartition, Long> stored,
                                       PrintStream out, String prefix) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<TopicPartition, Long> transforms = committed(admin, "sluice-" + ReplicationSpec.DEFAULT_PIPELINE);
            Map<TopicPartition, Long> sink = committed(admin, "connect-" + SinkConnectorConfig.NAME);
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "read_committed")) {
                for (String topic : List.of(changeTopic, rowTopic)) {
                    List<TopicPartition> partitions = partitions(consumer, topic);
                    Map<TopicPartition, Long> ends = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
                    ends.putAll(consumer.endOffsets(partitions));
                    ends.forEach((tp, end) -> out.printf("%s: position %s committed end %d | %s%n", prefix, tp, end,
                            topic.equals(changeTopic) ? "transforms group " + transforms.get(tp)
                                    : "sink group " + sink.get(tp) + ", _sluice_offsets " + stored.get(tp)));
                }
            }
        }
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> e : admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).entrySet()) {
            if (e.getValue() != null) {
                offsets.put(e.getKey(), e.getValue().offset());
            }
        }
        return offsets;
    }

    /**
     * Every record of the keys on {@code topic}, in partition and offset order, each marked committed or not: read once
     * read_uncommitted (everything written) and once read_committed (what consumers see).
     */
    private static Map<String, List<TraceVerdict.Seen>> records(String bootstrap, String registryUrl, String topic,
                                                                Set<String> keys) {
        Map<String, List<TraceVerdict.Seen>> all = scan(bootstrap, registryUrl, topic, keys, "read_uncommitted");
        Set<String> committed = new HashSet<>();
        scan(bootstrap, registryUrl, topic, keys, "read_committed").values()
                .forEach(list -> list.forEach(s -> committed.add(s.at())));
        Map<String, List<TraceVerdict.Seen>> marked = new LinkedHashMap<>();
        all.forEach((key, list) -> marked.put(key, list.stream()
                .map(s -> new TraceVerdict.Seen(s.partition(), s.offset(), committed.contains(s.at()), s.op(), s.version()))
                .toList()));
        return marked;
    }

    private static Map<String, List<TraceVerdict.Seen>> scan(String bootstrap, String registryUrl, String topic,
                                                             Set<String> keys, String isolation) {
        Map<String, Object> registry = Map.of("schema.registry.url", registryUrl);
        Map<String, List<TraceVerdict.Seen>> found = new LinkedHashMap<>();
        try (AvroDeserializer keySerde = new AvroDeserializer(); AvroDeserializer valueSerde = new AvroDeserializer();
             KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, isolation)) {
            keySerde.configure(registry, true);
            valueSerde.configure(registry, false);
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() == null || Heartbeat.isHeartbeat(r.headers())) {
                        continue;
                    }
                    GenericRecord k = (GenericRecord) keySerde.deserialize(topic, r.key());
                    List<Object> fields = new ArrayList<>();
                    k.getSchema().getFields().forEach(f -> fields.add(k.get(f.pos())));
                    String key = fields.toString();
                    if (keys.contains(key)) {
                        found.computeIfAbsent(key, x -> new ArrayList<>()).add(seen(r, (GenericRecord) valueSerde.deserialize(topic, r.value())));
                    }
                }
            }
        }
        found.values().forEach(list -> list.sort(java.util.Comparator.comparing((TraceVerdict.Seen s) -> s.partition().partition())
                .thenComparingLong(TraceVerdict.Seen::offset)));
        return found;
    }

    private static TraceVerdict.Seen seen(ConsumerRecord<byte[], byte[]> r, GenericRecord value) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        if (value == null) {
            return new TraceVerdict.Seen(tp, r.offset(), true, "(no value)", null);
        }
        if (value.getSchema().getField("op") != null) {
            GenericRecord source = (GenericRecord) value.get("source");
            Object lsn = source == null ? null : source.get("lsn");
            return new TraceVerdict.Seen(tp, r.offset(), true, "op=" + value.get("op") + " ts=" + (source == null ? "?" : source.get("ts_ms")),
                    lsn instanceof Number n ? n.longValue() : null);
        }
        Object version = value.get("__version");
        return new TraceVerdict.Seen(tp, r.offset(), true, "__deleted=" + value.get("__deleted") + " __source_ts=" + value.get("__source_ts"),
                version instanceof Number n ? n.longValue() : null);
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        return partitions;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
    }
}
