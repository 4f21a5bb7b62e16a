package dev.sluice.transforms.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.schemas.kafka.RecordSizeLimit;
import dev.sluice.transforms.errors.DeadLetters;
import dev.sluice.transforms.errors.DlqDeserializationHandler;
import dev.sluice.transforms.errors.DlqProcessingHandler;
import dev.sluice.transforms.errors.DlqProductionHandler;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.replicate.ReplicationSpec;
import dev.sluice.transforms.state.BoundedRocksDbMemory;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The settings the service hands Kafka Streams: what a pod on Kubernetes relies on. */
class TransformConfigTest {

    private final TransformConfig defaults = TransformConfig.of("localhost:9092", "http://localhost:8081")
            .withStateDir(Path.of("/tmp/state"));

    @Test
    void defaultsAreExactlyOnceBoundedMemoryDlqNoStandbyDynamicMembership() {
        Properties props = TransformService.streamsConfig(defaults);

        assertThat(defaults.applicationId()).isEqualTo("sluice-replica");
        assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(props.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG)).isEqualTo(BoundedRocksDbMemory.class);
        assertThat(props.get(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG)).isEqualTo(512L * 1024 * 1024);
        assertThat(props.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(0);
        assertThat(props.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG)).isEqualTo("replica.dlq");
        assertThat(props.get(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG))
                .isEqualTo(DlqDeserializationHandler.class);
        assertThat(props.get(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG)).isEqualTo(DlqProcessingHandler.class);
        assertThat(props.get(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG)).isEqualTo(DlqProductionHandler.class);
        assertThat(props.get(DeadLetters.PIPELINE_CONFIG)).isEqualTo("replica");
        assertThat(props).doesNotContainKey(StreamsConfig.mainConsumerPrefix("group.instance.id"));
        assertThat(props.get(StreamsConfig.STATE_DIR_CONFIG)).isEqualTo("/tmp/state");
        // replication never waits for a task's empty partitions
        assertThat(props.get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isEqualTo(-1L);
        // Streams accepts the whole set
        assertThat(new StreamsConfig(props).getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isZero();
    }

    @Test
    void specPipelinesKeepStreamsTimestampOrderAcrossPartitions() {
        Properties props = TransformService.streamsConfig(defaults.withPipeline(
                PipelineSpec.replication(ReplicationSpec.defaults())));

        assertThat(props).doesNotContainKey(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG);
        assertThat(new StreamsConfig(props).getLong(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG)).isZero();
    }

    @Test
    void standbyReplicasStaticMembershipAndMemoryAreConfigurable() {
        Properties props = TransformService.streamsConfig(defaults.withStandbyReplicas(1)
                .withGroupInstanceId("transforms-0").withRocksDbMemory(64L * 1024 * 1024));

        assertThat(props.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
        assertThat(props.get(StreamsConfig.mainConsumerPrefix("group.instance.id"))).isEqualTo("transforms-0");
        assertThat(props.get(StreamsConfig.mainConsumerPrefix("session.timeout.ms")))
                .isEqualTo((int) TransformConfig.STATIC_SESSION_TIMEOUT.toMillis());
        assertThat(props.get(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG)).isEqualTo(64L * 1024 * 1024);
        assertThat(new StreamsConfig(props).getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
    }

    @Test
    void overridesWinAndDefaultsSurviveOtherChanges() {
        TransformConfig config = defaults.withStandbyReplicas(2).withApplicationId("custom").withCommitInterval(
                java.time.Duration.ofSeconds(1));

        assertThat(config.standbyReplicas()).isEqualTo(2);
        assertThat(config.rocksDbMemoryBytes()).isEqualTo(BoundedRocksDbMemory.DEFAULT_MEMORY_BYTES);
        assertThat(config.stateDir()).isEqualTo(Path.of("/tmp/state"));
        assertThat(TransformService.streamsConfig(config.withKafkaOverrides(
                java.util.Map.of(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 3))).get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG))
                .isEqualTo(3);
    }

    @Test
    void badValuesAreRejectedWithTheFix() {
        assertThatThrownBy(() -> defaults.withRocksDbMemory(1024)).hasMessageContaining("at least 16 MB");
        assertThatThrownBy(() -> defaults.withStandbyReplicas(-1)).hasMessageContaining("0 or more");
        assertThat(defaults.withGroupInstanceId(" ").groupInstanceId()).isNull();
        assertThat(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP).isNotNull();
    }

    @Test
    void theRecordSizeLimitReachesEveryProducerConsumerAndInternalTopicOfTheApp() {
        long allowed = (100L << 20) + RecordSizeLimit.HEADROOM;
        StreamsConfig config = new StreamsConfig(TransformService.streamsConfig(
                defaults.withRecordSizeLimit(new RecordSizeLimit(100L << 20)).withStandbyReplicas(1)));

        assertThat(config.getProducerConfigs("client")).containsEntry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) allowed)
                .containsEntry(ProducerConfig.BUFFER_MEMORY_CONFIG, allowed);
        assertThat(config.getMainConsumerConfigs("group", "client", 0))
                .containsEntry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, (int) allowed)
                .containsEntry(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, (int) allowed);
        assertThat(config.getRestoreConsumerConfigs("client"))
                .containsEntry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, (int) allowed);
        assertThat(config.getGlobalConsumerConfigs("client"))
                .containsEntry(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, (int) allowed);
        // changelog and repartition topics are created with these configs
        assertThat(config.originalsWithPrefix(StreamsConfig.TOPIC_PREFIX))
                .containsEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(allowed));
    }

    @Test
    void aKafkaOverrideWinsOverTheRecordSizeLimit() {
        Properties props = TransformService.streamsConfig(defaults.withKafkaOverrides(
                java.util.Map.of("producer.max.request.size", 5_000_000)));
        assertThat(props.get("producer.max.request.size")).isEqualTo(5_000_000);
        assertThat(TransformService.streamsConfig(defaults).get("producer.max.request.size"))
                .isEqualTo((int) RecordSizeLimit.DEFAULT.requestBytes());
    }
}
