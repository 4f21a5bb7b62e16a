package dev.sluice.transforms.runtime;

import dev.sluice.schemas.registry.RestSchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryConfig;
import dev.sluice.schemas.registry.SchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryException;
import dev.sluice.schemas.serde.GenericAvroSerde;
import dev.sluice.transforms.errors.DeadLetters;
import dev.sluice.transforms.errors.RegistryOutage;
import dev.sluice.transforms.pipeline.PipelineTopology;
import dev.sluice.transforms.pipeline.spec.ColumnCheck;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.pipeline.spec.StepSpec;
import dev.sluice.transforms.replicate.ReplicationTopology;
import dev.sluice.transforms.replicate.wire.ReplicationSerdes;
import dev.sluice.transforms.state.BoundedRocksDbMemory;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the replication pipeline (or, when {@link TransformConfig#pipeline()} is set, a compiled pipeline spec)
 * as a Kafka Streams application: exactly-once v2, application id
 * {@code sluice-<pipeline>} (unless configured), Avro through the Schema Registry.
 *
 * <p>{@link #start()} first creates the row topic of every existing change topic (same partition count),
 * then starts Streams, then checks every {@link TransformConfig#topicPollInterval()} for change topics of new
 * tables and creates their row topics. {@link #close()} stops everything cleanly (commits, closes state).
 *
 * <p>A record that cannot be deserialized (bad bytes, unknown schema id), processed (an envelope that breaks
 * the change-topic contract) or serialized goes to {@code <pipeline>.dlq} with the error in headers and
 * processing goes on ({@link DeadLetters}). RocksDB memory is bounded ({@link BoundedRocksDbMemory}); standby
 * replicas and static membership come from the config. Counters go to Micrometer's global registry.
 */
public final class TransformService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TransformService.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final TransformConfig config;
    private final GenericAvroSerde keySerde = new GenericAvroSerde();
    private final GenericAvroSerde valueSerde = new GenericAvroSerde();
    private final Admin admin;
    private final OutputTopics outputTopics;
    private final KafkaStreams streams;
    private final ScheduledExecutorService topicPoller;
    private final List<String> sideTopics;
    private final SchemaRegistryClient registryClient;
    private final RegistryOutage registryOutage;
    /** Asks once, without the client's retry window: is the registry back? */
    private final SchemaRegistryClient registryProbe;
    private final KafkaStreamsMetrics streamsMetrics;
    private final ScheduledExecutorService metricsRefresh;
    private volatile Throwable failure;

    public TransformService(TransformConfig config) {
        this(config, System::getenv);
    }

    /**
     * @param env reads the environment variables a spec names (a mask step's salt); local mode and tests give
     *            their own so a demo runs without exporting a secret
     */
    public TransformService(TransformConfig config, Function<String, String> env) {
        this.config = config;
        // registry credentials travel with the Kafka settings, under the names Confluent's serdes read there too
        Map<String, Object> registry = new java.util.HashMap<>();
        config.kafkaOverrides().forEach((key, value) -> {
            if (key.equals(SchemaRegistryConfig.BASIC_AUTH_USER_INFO) || key.startsWith("schema.registry.")) {
                registry.put(key, value);
            }
        });
        registry.put(SchemaRegistryConfig.SCHEMA_REGISTRY_URL, config.schemaRegistryUrl());
        this.registryClient = new RestSchemaRegistryClient(config.schemaRegistryUrl(),
                RestSchemaRegistryClient.DEFAULT_RETRY_WINDOW, SchemaRegistryConfig.accessFrom(registry));
        keySerde.configure(registry, true);
        valueSerde.configure(registry, false);
        PipelineSpec pipeline = config.pipeline();
        Topology topology = pipeline == null
                ? ReplicationTopology.build(config.spec(), ReplicationSerdes.configured(registry))
                : PipelineTopology.build(pipeline, keySerde, valueSerde, Metrics.globalRegistry, env);
        this.admin = Admin.create(adminConfig());
        this.outputTopics = pipeline == null
                ? new OutputTopics(admin, config.spec(), config.replicationFactor(), config.recordSizeLimit())
                : new OutputTopics(admin, topic -> reads(pipeline, topic), pipeline.output()::topicFor,
                config.replicationFactor(), config.recordSizeLimit());
        this.sideTopics = pipeline == null ? List.of(DeadLetters.topic(config.pipelineName()))
                : List.of(pipeline.dlqTopic(), pipeline.lateTopic(), pipeline.quarantineTopic());
        this.streams = new KafkaStreams(topology, streamsConfig(config));
        // Kafka Streams' own metrics, per task, processor and store: RocksDB state size (estimate-num-keys,
        // total-sst-files-size), end-to-end latency at sources and sinks (record-e2e-latency-*), rates
        // (looked for every 10 s rather than Micrometer's 60: task and store metrics appear once tasks are assigned)
        this.metricsRefresh = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sluice-transforms-metrics-" + config.pipelineName());
            thread.setDaemon(true);
            return thread;
        });
        this.streamsMetrics = new KafkaStreamsMetrics(streams, List.of(Tag.of("pipeline", config.pipelineName())),
                metricsRefresh, Duration.ofSeconds(10));
        streamsMetrics.bindTo(Metrics.globalRegistry);
        streams.setStateListener((now, before) ->
                LOG.info("Pipeline {}: {} -> {}", config.pipelineName(), before, now));
        this.registryOutage = RegistryOutage.of(config.pipelineName());
        this.registryProbe = new RestSchemaRegistryClient(config.schemaRegistryUrl(), Duration.ZERO,
                SchemaRegistryConfig.accessFrom(registry));
        streams.setUncaughtExceptionHandler(e -> {
            if (RegistryOutage.isOutage(e)) {
                return StreamThreadExceptionResponse.REPLACE_THREAD; // waits for the registry: logged there, once
            }
            failure = e;
            LOG.error("Pipeline {} stops: {}", config.pipelineName(), e.toString(), e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        this.topicPoller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "sluice-transforms-topics-" + config.pipelineName());
            thread.setDaemon(true);
            return thread;
        });
        LOG.debug("Pipeline {} topology:\n{}", config.pipelineName(), topology.describe());
    }

    /**
     * Creates the missing row topics, then starts processing. Fails with {@link IllegalStateException} when
     * the row topics cannot be created (Kafka unreachable, not authorised) or a pipeline spec joins a topic that
     * does not exist, and with {@link IllegalArgumentException} when a step names a column the registered
     * schemas of its topics lack ({@link ColumnCheck}); nothing is written then.
     */
    public void start() {
        try {
            if (config.pipeline() != null) {
                requireJoinedTopics(config.pipeline());
                ColumnCheck.check(config.pipeline(), this::latestValueSchema);
                registerOutputSchemas(config.pipeline());
            }
            outputTopics.raiseLimits(sideTopics);
            outputTopics.createMissing(sideTopics);
            if (config.pipeline() != null && config.pipeline().quarantines()) {
                outputTopics.createLikeInputs(config.pipeline().requeueTopic());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the row topics of pipeline "
                    + config.pipelineName() + ".", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create the row topics of pipeline " + config.pipelineName()
                    + " at " + config.bootstrapServers() + " (" + e.getMessage()
                    + "); check that Kafka is reachable and that the service may create topics.", e);
        }
        streams.start();
        long poll = config.topicPollInterval().toMillis();
        topicPoller.scheduleWithFixedDelay(this::createMissingOutputTopics, poll, poll, TimeUnit.MILLISECONDS);
        topicPoller.scheduleWithFixedDelay(this::checkRegistryWhileDown, 2, 2, TimeUnit.SECONDS);
    }

    /** While the pipeline waits for the registry, notices (and logs once) when it answers again. */
    private void checkRegistryWhileDown() {
        if (!registryOutage.isDown()) {
            return;
        }
        try {
            registryProbe.subjects();
            registryOutage.up();
        } catch (RuntimeException e) {
            // still down: the stream threads keep waiting with backoff
        }
    }

    /** The Kafka Streams state ({@code CREATED} before {@link #start()}, {@code RUNNING}, {@code ERROR}, ...). */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** What stopped a stream thread (and with it this application), if one died. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    public TransformConfig config() {
        return config;
    }

    /**
     * Stops polling, closes Streams (committing and flushing state), then the admin client and serdes.
     * A clean stop leaves the consumer group: otherwise the next start waits a whole session timeout
     * for the broker to expire this member before it gets its partitions back. With static membership it
     * stays: the same instance id reclaims its tasks on restart.
     */
    @Override
    public void close() {
        topicPoller.shutdownNow();
        // a static member stays in the group: a pod restart then gets its tasks back without a rebalance
        CloseOptions leave = CloseOptions.groupMembershipOperation(config.groupInstanceId() == null
                        ? CloseOptions.GroupMembershipOperation.LEAVE_GROUP
                        : CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                .withTimeout(CLOSE_TIMEOUT);
        if (!streams.close(leave)) {
            LOG.warn("Pipeline {} did not stop within {}", config.pipelineName(), CLOSE_TIMEOUT);
        }
        streamsMetrics.close();
        metricsRefresh.shutdownNow();
        admin.close(CLOSE_TIMEOUT);
        keySerde.close();
        valueSerde.close();
    }

    private void createMissingOutputTopics() {
        try {
            List<String> created = outputTopics.createMissing();
            if (!created.isEmpty()) {
                LOG.info("Pipeline {}: created row topics {} for new tables", config.pipelineName(), created);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // retried at the next poll; the producer waits up to max.block.ms for a missing topic meanwhile
            LOG.warn("Pipeline {}: cannot check or create row topics: {}", config.pipelineName(), e.toString());
        }
    }

    /** The Kafka Streams settings of {@code config} (package-private for tests). */
    static Properties streamsConfig(TransformConfig config) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
        // one stream thread per core: a single thread left half of a 2-core machine idle
        // (`sluice bench --stage transforms` measured about twice the records/s with two)
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Math.max(1, Runtime.getRuntime().availableProcessors()));
        // bad records go to <pipeline>.dlq with the error in headers, and processing goes on
        props.putAll(DeadLetters.streamsConfig(config.pipelineName()));
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        props.put(BoundedRocksDbMemory.MEMORY_BYTES_CONFIG, config.rocksDbMemoryBytes());
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        if (config.pipeline() == null) {
            // Replication's tables are independent and its heartbeats travel in-band with each change-topic
            // partition, so nothing needs records ordered across a task's partitions: -1 processes whatever is
            // buffered without waiting for (and, in Kafka 4.3, formatting a log line for) every empty partition,
            // about a tenth of a stream thread at 5,000 changes/s. Spec pipelines join and aggregate, where
            // timestamp order across partitions decides results, so they keep Streams' default.
            props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        }
        if (config.groupInstanceId() != null) {
            // Streams appends the thread index, so one id per instance suffices
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                    config.groupInstanceId());
            props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG),
                    (int) TransformConfig.STATIC_SESSION_TIMEOUT.toMillis());
        }
        // refuse to start with a generated store/topic name: renaming one would orphan its state on upgrade
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // records a global store's loader cannot handle (enrich join: global) go to the DLQ like any other
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // pattern subscriptions see new topics on metadata refresh; the default 5 minutes is too slow for a new table
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.METADATA_MAX_AGE_CONFIG),
                (int) Math.max(config.topicPollInterval().toMillis() * 2, 10_000));
        if (config.stateDir() != null) {
            props.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        }
        // records up to kafka.max.record.bytes pass every producer, consumer and internal topic of the app
        props.putAll(config.recordSizeLimit().streams());
        props.putAll(config.kafkaOverrides());
        return props;
    }

    /** A join on a topic that does not exist would stop Streams with a less helpful error later; say it now. */
    private void requireJoinedTopics(PipelineSpec pipeline)
            throws InterruptedException, ExecutionException, TimeoutException {
        java.util.Set<String> topics = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        for (StepSpec step : pipeline.steps()) {
            for (String joined : step.joinedTopics()) {
                if (!topics.contains(joined)) {
                    throw new IllegalStateException("Pipeline " + pipeline.pipeline() + ", step '" + step.name()
                            + "' (line " + step.line() + ") joins topic '" + joined + "', which does not exist at "
                            + config.bootstrapServers() + "; fix 'table' or start the pipeline that writes it first.");
                }
            }
        }
    }

    /**
     * An aggregate's output schemas are known before its first row: registered now, a warehouse or dashboard
     * reading the output topic can be set up before data arrives. (Row steps derive their schema from each input
     * schema, so theirs are registered with their first record.)
     */
    private void registerOutputSchemas(PipelineSpec pipeline) {
        if (pipeline.steps().isEmpty()) {
            return;
        }
        StepSpec last = pipeline.steps().get(pipeline.steps().size() - 1);
        Optional<Map.Entry<Schema, Schema>> known = last.outputSchemas();
        if (known.isPresent()) {
            String topic = pipeline.output().topicTemplate(); // fixed after a regrouping step, the parser checks it
            Map.Entry<Schema, Schema> schemas = known.get();
            registryClient.register(topic + "-key", schemas.getKey());
            registryClient.register(topic + "-value", schemas.getValue());
            LOG.info("Pipeline {}: registered the schemas of {}", pipeline.pipeline(), topic);
        }
    }

    /** The latest registered value schema of {@code topic}; empty when nothing was written to it yet. */
    private Optional<Schema> latestValueSchema(String topic) {
        try {
            return Optional.of(registryClient.latest(topic + "-value").schema());
        } catch (SchemaRegistryException e) {
            LOG.info("Pipeline {}: no schema registered for {} yet, its columns are not checked ({})",
                    config.pipelineName(), topic, e.getMessage());
            return Optional.empty();
        }
    }

    private static boolean reads(PipelineSpec pipeline, String topic) {
        PipelineSpec.Source source = pipeline.source();
        return source.pattern() != null ? source.pattern().matcher(topic).matches() : source.topics().contains(topic);
    }

    private Map<String, Object> adminConfig() {
        Map<String, Object> props = new HashMap<>();
        // pass security and other client settings on, but not Streams-only ones the admin client would warn about
        config.kafkaOverrides().forEach((key, value) -> {
            if (!key.startsWith("consumer.") && !key.startsWith("producer.") && !key.startsWith("main.consumer.")
                    && !key.startsWith("restore.consumer.") && !key.startsWith("global.consumer.")) {
                props.put(key.startsWith("admin.") ? key.substring("admin.".length()) : key, value);
            }
        });
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, config.applicationId() + "-topics");
        return props;
    }
}
