package dev.sluice.cli.chaos;

import dev.sluice.schemas.heartbeat.Heartbeat;
import dev.sluice.schemas.serde.AvroDeserializer;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evidence for a mismatch: every record of one key on its change topic and its row topic (committed ones, in offset
 * order), with operation, LSN, version and delete flag, so a report names the stage that lost or kept a change.
 */
final class KeyTrace {
    private static final Pattern KEY = Pattern.compile("key (\\[[^]]*])");

    private KeyTrace() {
    }

    /** The key in a reconcile example ("extra key [68, 1]"), or null. */
    static String keyOf(String example) {
        if (example == null) {
            return null;
        }
        Matcher m = KEY.matcher(example);
        return m.find() ? m.group(1) : null;
    }

    static void print(String bootstrap, String registryUrl, List<String> topics, String key, PrintStream out) {
        Map<String, Object> registry = Map.of("schema.registry.url", registryUrl);
        try (AvroDeserializer keys = new AvroDeserializer(); AvroDeserializer values = new AvroDeserializer();
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                     ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                     ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            keys.configure(registry, true);
            values.configure(registry, false);
            for (String topic : topics) {
                List<TopicPartition> partitions = new ArrayList<>();
                consumer.partitionsFor(topic, Duration.ofSeconds(10)).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
                int found = 0;
                while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        if (r.key() == null || Heartbeat.isHeartbeat(r.headers())) {
                            continue;
                        }
                        GenericRecord k = (GenericRecord) keys.deserialize(topic, r.key());
                        List<Object> fields = new ArrayList<>();
                        k.getSchema().getFields().forEach(f -> fields.add(k.get(f.pos())));
                        if (fields.toString().equals(key)) {
                            out.printf("chaos: trace %s %s-%d@%d %s%n", key, topic, r.partition(), r.offset(),
                                    describe((GenericRecord) values.deserialize(topic, r.value())));
                            found++;
                        }
                    }
                }
                out.printf("chaos: trace %s: %d records on %s%n", key, found, topic);
            }
        } catch (RuntimeException e) {
            out.println("chaos: trace of " + key + " failed: " + e.getMessage());
        }
    }

    private static String describe(GenericRecord value) {
        if (value == null) {
            return "(no value)";
        }
        if (value.getSchema().getField("op") != null) {
            GenericRecord source = (GenericRecord) value.get("source");
            return "op=" + value.get("op") + " lsn=" + (source == null ? "?" : source.get("lsn"))
                    + " ts=" + (source == null ? "?" : source.get("ts_ms"));
        }
        return "__version=" + value.get("__version") + " __deleted=" + value.get("__deleted") + " __source_ts=" + value.get("__source_ts");
    }
}
