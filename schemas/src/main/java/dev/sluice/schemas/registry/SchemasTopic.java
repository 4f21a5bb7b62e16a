package dev.sluice.schemas.registry;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The embedded registry's durable store: a compacted, single-partition Kafka topic. Each schema
 * version is one record keyed by (subject, version); each compatibility setting one record keyed by
 * its subject (or global). Keys are unique per fact, so compaction never loses one. Values are our
 * own small JSON documents.
 */
final class SchemasTopic implements AutoCloseable {

    static final String DEFAULT_TOPIC = "_schemas";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final Map<String, String> kafka;
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private Admin checker;

    private SchemasTopic(String bootstrapServers, Map<String, String> kafka, String topic,
                         KafkaProducer<byte[], byte[]> producer) {
        this.bootstrapServers = bootstrapServers;
        this.kafka = kafka;
        this.topic = topic;
        this.producer = producer;
    }

    /** Creates the topic if missing, replays it into {@code state}, and opens the writer. */
    static SchemasTopic open(String bootstrapServers, String topic, RegistryState state) {
        return open(bootstrapServers, Map.of(), topic, state);
    }

    /** @param kafka Kafka client settings for every client of the store (TLS, SASL); ours win over them */
    static SchemasTopic open(String bootstrapServers, Map<String, String> kafka, String topic, RegistryState state) {
        createIfMissing(bootstrapServers, kafka, topic);
        replay(bootstrapServers, kafka, topic, state);
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-schema-registry");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) TIMEOUT.toMillis());
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return new SchemasTopic(bootstrapServers, Map.copyOf(kafka), topic,
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer()));
    }

    /** Appends a schema version and returns once the broker acknowledged it (acks=all). */
    void appendSchema(String subject, int version, int id, Schema schema) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "SCHEMA").put("subject", subject).put("version", version);
        ObjectNode value = JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id)
                .put("schema", schema.toString());
        append(key, value, "schema version " + version + " of subject '" + subject + "'");
    }

    /** Appends a compatibility level ({@code subjectOrNull} null: the global one), acknowledged. */
    void appendLevel(String subjectOrNull, CompatibilityLevel level) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG").put("subject", subjectOrNull);
        ObjectNode value = JSON.createObjectNode().put("compatibilityLevel", level.name());
        append(key, value, "the compatibility level " + level);
    }

    private void append(ObjectNode key, ObjectNode value, String what) {
        try {
            // Partition 0 explicitly: the whole history must stay in one totally ordered log.
            producer.send(new ProducerRecord<>(topic, 0, JSON.writeValueAsBytes(key), JSON.writeValueAsBytes(value)))
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while storing " + what + " in topic " + topic, e);
        } catch (ExecutionException | TimeoutException | java.io.IOException e) {
            throw new IllegalStateException("could not store " + what + " in topic " + topic + " on Kafka at "
                    + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    private static void createIfMissing(String bootstrapServers, Map<String, String> kafka, String topic) {
        Map<String, Object> conf = new java.util.HashMap<>(kafka);
        conf.putAll(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis()));
        try (Admin admin = Admin.create(conf)) {
            NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(newTopic)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw unreachable(bootstrapServers, topic, e.getCause());
            }
        } catch (TimeoutException e) {
            throw unreachable(bootstrapServers, topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        }
    }

    private static void replay(String bootstrapServers, Map<String, String> kafka, String topic, RegistryState state) {
        Properties props = new Properties();
        props.putAll(kafka);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-schema-registry-reader");
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            List<TopicPartition> partitions = List.of();
            // Right after creation the metadata may not list the topic yet; starting from an empty
            // view of an existing topic would hand out ids that are already taken.
            while (partitions.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " has no partitions visible on Kafka at "
                            + bootstrapServers + " after " + TIMEOUT.toSeconds() + " s; check the broker's health");
                }
                partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read topic " + topic + " to its end within "
                            + TIMEOUT.toSeconds() + " s from Kafka at " + bootstrapServers);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(record, state);
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw unreachable(bootstrapServers, topic, e);
        }
    }

    private static void apply(ConsumerRecord<byte[], byte[]> record, RegistryState state) {
        if (record.key() == null || record.value() == null) {
            return; // a tombstone: nothing we write, nothing to rebuild
        }
        try {
            JsonNode key = JSON.readTree(record.key());
            JsonNode value = JSON.readTree(record.value());
            switch (key.path("keytype").asText()) {
                case "SCHEMA" -> state.applySchema(value.path("subject").asText(), value.path("version").asInt(),
                        value.path("id").asInt(), new Schema.Parser().parse(value.path("schema").asText()));
                case "CONFIG" -> state.applyLevel(key.path("subject").isNull() || key.path("subject").isMissingNode()
                        ? null : key.path("subject").asText(),
                        CompatibilityLevel.parse(value.path("compatibilityLevel").asText()));
                default -> { } // a record kind a newer version wrote: skip, keep what we understand
            }
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException("record at offset " + record.offset() + " of topic " + record.topic()
                    + " is not a Sluice schema registry record (" + e.getMessage()
                    + "); is another tool writing to this topic? Use a separate topic for the embedded registry", e);
        }
    }

    private static IllegalStateException unreachable(String bootstrapServers, String topic, Throwable cause) {
        return new IllegalStateException("could not create or read topic " + topic + " on Kafka at " + bootstrapServers
                + " (" + cause.getMessage() + "); check that Kafka runs and the bootstrap servers are right", cause);
    }

    /**
     * Why the store cannot be used now, or empty when it can: the topic was deleted, or Kafka does not answer
     * within {@code timeout}.
     */
    Optional<String> problem(Duration timeout) {
        Admin admin;
        synchronized (this) {
            if (checker == null) {
                Map<String, Object> conf = new java.util.HashMap<>(kafka);
                conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
                conf.put(AdminClientConfig.CLIENT_ID_CONFIG, "sluice-schema-registry-health");
                checker = Admin.create(conf);
            }
            admin = checker;
        }
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return Optional.of("its store, topic " + topic + ", no longer exists on Kafka at " + bootstrapServers);
            }
            return Optional.of("cannot read topic " + topic + " on Kafka at " + bootstrapServers + " ("
                    + e.getCause().getMessage() + ")");
        } catch (TimeoutException e) {
            return Optional.of("Kafka at " + bootstrapServers + " did not answer within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        synchronized (this) {
            if (checker != null) {
                checker.close(Duration.ofSeconds(5));
            }
        }
    }
}
