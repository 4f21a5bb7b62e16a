package dev.sluice.transforms.runtime;

import dev.sluice.schemas.kafka.RecordSizeLimit;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.replicate.ReplicationSpec;
import dev.sluice.transforms.state.BoundedRocksDbMemory;
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
 *                            invisible to read_committed readers, so it is short (default 50 ms)
 * @param topicPollInterval   how often new change topics are checked for a missing row topic (default 5 s);
 *                            the consumer looks for new change topics every twice that, at least every 10 s
 * @param kafkaOverrides      extra Kafka client/Streams settings (TLS, SASL, tuning); they win over ours
 * @param rocksDbMemoryBytes  bound on RocksDB block cache + memtables of all stores in the JVM (default 512 MB);
 *                            see {@link dev.sluice.transforms.state.BoundedRocksDbMemory}
 * @param standbyReplicas     warm copies of each task's state on other instances (default 0); a failed
 *                            instance's tasks then resume without restoring their changelogs
 * @param pipeline            a pipeline spec to run instead of the replication pipeline {@code spec}; null
 *                            (default) runs replication
 * @param groupInstanceId     static membership id (e.g. the StatefulSet pod name), null for dynamic membership;
 *                            a restarted instance with the same id gets its tasks back without a rebalance
 *                            if it returns within {@link #STATIC_SESSION_TIMEOUT}
 * @param recordSizeLimit     {@code kafka.max.record.bytes}: the record size every client and created topic allows
 */
public record TransformConfig(String bootstrapServers, String schemaRegistryUrl, ReplicationSpec spec,
                              String applicationId, Path stateDir, short replicationFactor,
                              Duration commitInterval, Duration topicPollInterval,
                              Map<String, Object> kafkaOverrides, long rocksDbMemoryBytes, int standbyReplicas,
                              String groupInstanceId, PipelineSpec pipeline, RecordSizeLimit recordSizeLimit) {

    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(50);
    public static final Duration DEFAULT_TOPIC_POLL_INTERVAL = Duration.ofSeconds(5);
    /** Session timeout with static membership: long enough for a pod restart, short enough to notice a dead pod. */
    private static final long MIN_ROCKSDB_MEMORY = 16L * 1024 * 1024;
    public static final Duration STATIC_SESSION_TIMEOUT = Duration.ofMinutes(2);

    public TransformConfig {
        requireText("bootstrap.servers", bootstrapServers);
        requireText("schema.registry.url", schemaRegistryUrl);
        if (spec == null) {
            throw new IllegalArgumentException("The replication spec is missing; pass ReplicationSpec.defaults() or your own.");
        }
        if (applicationId == null || applicationId.isBlank()) {
            applicationId = "sluice-" + (pipeline != null ? pipeline.pipeline() : spec.pipeline());
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("Replication factor must be at least 1, got " + replicationFactor + ".");
        }
        requirePositive("commit interval", commitInterval);
        requirePositive("topic poll interval", topicPollInterval);
        kafkaOverrides = kafkaOverrides == null ? Map.of() : Map.copyOf(kafkaOverrides);
        if (rocksDbMemoryBytes < MIN_ROCKSDB_MEMORY) {
            throw new IllegalArgumentException("RocksDB memory must be at least 16 MB (" + MIN_ROCKSDB_MEMORY
                    + " bytes), got " + rocksDbMemoryBytes + "; raise it (default 512 MB).");
        }
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("Standby replicas must be 0 or more, got " + standbyReplicas + ".");
        }
        if (groupInstanceId != null && groupInstanceId.isBlank()) {
            groupInstanceId = null;
        }
        if (recordSizeLimit == null) {
            recordSizeLimit = RecordSizeLimit.DEFAULT;
        }
    }

    /** Defaults for everything but the two addresses. */
    public static TransformConfig of(String bootstrapServers, String schemaRegistryUrl) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, ReplicationSpec.defaults(), null, null,
                (short) 1, DEFAULT_COMMIT_INTERVAL, DEFAULT_TOPIC_POLL_INTERVAL, Map.of(),
                BoundedRocksDbMemory.DEFAULT_MEMORY_BYTES, 0, null, null, RecordSizeLimit.DEFAULT);
    }

    public TransformConfig withSpec(ReplicationSpec newSpec) {
        // the default application id follows the pipeline name
        String id = applicationId.equals("sluice-" + pipelineName()) ? null : applicationId;
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, newSpec, id, stateDir, replicationFactor,
                commitInterval, topicPollInterval, kafkaOverrides, rocksDbMemoryBytes, standbyReplicas,
                groupInstanceId, pipeline, recordSizeLimit);
    }

    /**
     * Runs {@code newPipeline} (a pipeline spec, compiled at start) instead of the replication pipeline; null
     * goes back to replication. The default application id follows its name.
     */
    public TransformConfig withPipeline(PipelineSpec newPipeline) {
        String id = applicationId.equals("sluice-" + pipelineName()) ? null : applicationId;
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, id, stateDir, replicationFactor,
                commitInterval, topicPollInterval, kafkaOverrides, rocksDbMemoryBytes, standbyReplicas,
                groupInstanceId, newPipeline, recordSizeLimit);
    }

    /** The name of the pipeline this service runs: the spec's when one is set, else the replication pipeline's. */
    public String pipelineName() {
        return pipeline != null ? pipeline.pipeline() : spec.pipeline();
    }

    public TransformConfig withApplicationId(String id) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, id, stateDir, replicationFactor,
                commitInterval, topicPollInterval, kafkaOverrides, rocksDbMemoryBytes, standbyReplicas,
                groupInstanceId, pipeline, recordSizeLimit);
    }

    public TransformConfig withStateDir(Path dir) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, applicationId, dir, replicationFactor,
                commitInterval, topicPollInterval, kafkaOverrides, rocksDbMemoryBytes, standbyReplicas,
                groupInstanceId, pipeline, recordSizeLimit);
    }

    public TransformConfig withReplicationFactor(int factor) {
        if (factor < 1 || factor > Short.MAX_VALUE) {
            throw new IllegalArgumentException("Replication factor must be between 1 and " + Short.MAX_VALUE
                    + ", got " + factor + ".");
        }
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, applicationId, stateDir, (short) factor,
                commitInterval, topicPollInterval, kafkaOverrides, rocksDbMemoryBytes, standbyReplicas,
                groupInstanceId, pipeline, recordSizeLimit);
    }

    public TransformConfig withCommitInterval(Duration interval) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, applicationId, stateDir,
                replicationFactor, interval, topicPollInterval, kafkaOverrides, rocksDbMemoryBytes, standbyReplicas,
                groupInstanceId, pipeline, recordSizeLimit);
    }

    public TransformConfig withTopicPollInterval(Duration interval) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, applicationId, stateDir,
                replicationFactor, commitInterval, interval, kafkaOverrides, rocksDbMemoryBytes, standbyReplicas,
                groupInstanceId, pipeline, recordSizeLimit);
    }

    public TransformConfig withKafkaOverrides(Map<String, Object> overrides) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, applicationId, stateDir,
                replicationFactor, commitInterval, topicPollInterval, overrides, rocksDbMemoryBytes, standbyReplicas,
                groupInstanceId, pipeline, recordSizeLimit);
    }

    /** Bound on RocksDB block cache + memtables of all stores in this JVM, in bytes (at least 16 MB). */
    public TransformConfig withRocksDbMemory(long bytes) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, applicationId, stateDir,
                replicationFactor, commitInterval, topicPollInterval, kafkaOverrides, bytes, standbyReplicas,
                groupInstanceId, pipeline, recordSizeLimit);
    }

    public TransformConfig withStandbyReplicas(int replicas) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, applicationId, stateDir,
                replicationFactor, commitInterval, topicPollInterval, kafkaOverrides, rocksDbMemoryBytes, replicas,
                groupInstanceId, pipeline, recordSizeLimit);
    }

    /** Static membership under this id (unique per instance and stable across its restarts); null turns it off. */
    public TransformConfig withGroupInstanceId(String id) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, applicationId, stateDir,
                replicationFactor, commitInterval, topicPollInterval, kafkaOverrides, rocksDbMemoryBytes,
                standbyReplicas, id, pipeline, recordSizeLimit);
    }

    /** Records up to this size pass: the Streams app's producers, consumers and internal topics, and the row topics. */
    public TransformConfig withRecordSizeLimit(RecordSizeLimit limit) {
        return new TransformConfig(bootstrapServers, schemaRegistryUrl, spec, applicationId, stateDir,
                replicationFactor, commitInterval, topicPollInterval, kafkaOverrides, rocksDbMemoryBytes,
                standbyReplicas, groupInstanceId, pipeline, limit);
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
