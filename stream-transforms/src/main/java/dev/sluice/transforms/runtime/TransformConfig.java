package dev.sluice.transforms.runtime;

import dev.sluice.transforms.replicate.ReplicationSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Typed settings of a {@link TransformService}. Build with {@link #of(String, String)} and the
 * {@code with...} methods; validated on construction.
 *
 * @param bootstrapServers    Kafka {@code bootstrap.servers}
 * @param schemaRegistryUrl   {@code schema.registry.url} of the Schema Registry the topics' schemas live in
 * @param spec                the replication pipeline
 * @param applicationId       Kafka Streams {@code application.id}; default {@code sluice-<pipeline>}. A
 *                            second id runs an independent copy (own offsets and state), e.g. a rebuild
 * @param stateDir            local state directory (RocksDB); null = Kafka Streams' default
 * @param replicationFactor   replication factor of created topics (row topics, changelogs); default 1
 * @param commitInterval      Streams commit interval; with exactly-once it bounds how long rows stay
 *                            invisible to read_committed readers, so it is short (default 100 ms)
 * @param topicPollInterval   how often new change topics are checked for a missing row topic (default 5 s);
 *                            the consumer looks for new change topics every twice that, at least every 10 s
 * @param kafkaOverrides      extra Kafka client/Streams settings (TLS, SASL, tuning); they win over ours
 */
public record TransformConfig(String bootstrapServers, String schemaRegistryUrl, ReplicationSpec spec,
                              String applicationId, Path stateDir, short replicationFactor,
                              Duration commitInterval, Duration topicPollInterval,
                              Map<String, Object> kafkaOverrides) {

    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_TOPIC_POLL_INTERVAL = Duration.ofSeconds(5);

    public TransformConfig {
        requireText("bootstrap.servers", bootstrapServers);
        requireText("schema.registry.url", schemaRegistryUrl);
        if (spec == null) {
            throw new IllegalArgumentException("The replication spec is missing; pass ReplicationSpec.defaults() or your own.");
        }
        if (applicationId == null || applicationId.isBlank()) {
            applicationId = "sluice-" + spec.pipeline();
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("Replication factor must be at least 1, got " + replicationFactor + ".");
        }
        requirePositive("commit interval", commitInterval);
        requirePositive("topic poll interval", topicPollInterval);
        kafkaOverrides = kafkaOverrides == null ? Map.of() : Map.copyOf(kafkaOverrides);
    }

    /** Defaults for everything but the two addresses. */
    public static TransformConfig of(String bootstrapServers, String schemaRegistryUrl) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, ReplicationSpec.defaults(), null, null,
                (short) 1, DEFAULT_COMMIT_INTERVAL, DEFAULT_TOPIC_POLL_INTERVAL, Map.of());
    }

    public TransformConfig withSpec(ReplicationSpec newSpec) {
        // the default application id follows the pipeline name
        String id = applicationId.equals("sluice-" + spec.pipeline()) ? null : applicationId;
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, newSpec, id, stateDir, replicationFactor,
                commitInterval, topicPollInterval, kafkaOverrides);
    }

    public TransformConfig withApplicationId(String id) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, id, stateDir, replicationFactor,
                commitInterval, topicPollInterval, kafkaOverrides);
    }

    public TransformConfig withStateDir(Path dir) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, applicationId, dir, replicationFactor,
                commitInterval, topicPollInterval, kafkaOverrides);
    }

    public TransformConfig withReplicationFactor(int factor) {
        if (factor < 1 || factor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("Replication factor must be between 1 and " + Short.MAX_VALUE
                    + ", got " + factor + ".");
        }
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, applicationId, stateDir, (short) factor,
                commitInterval, topicPollInterval, kafkaOverrides);
    }

    public TransformConfig withCommitInterval(Duration interval) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, applicationId, stateDir,
                replicationFactor, interval, topicPollInterval, kafkaOverrides);
    }

    public TransformConfig withTopicPollInterval(Duration interval) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, applicationId, stateDir,
                replicationFactor, commitInterval, interval, kafkaOverrides);
    }

    public TransformConfig withKafkaOverrides(Map<String, Object> overrides) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, applicationId, stateDir,
                replicationFactor, commitInterval, topicPollInterval, overrides);
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + name + "' is not set; the transforms service needs it.");
        }
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("The " + name + " must be positive, got " + value + ".");
        }
    }
}
