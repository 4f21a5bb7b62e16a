package dev.sluice.cli.service;

import dev.sluice.cli.config.ConfigFileOption;
import dev.sluice.cli.config.Section;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.cli.http.Health;
import dev.sluice.cli.http.HttpOptions;
import dev.sluice.cli.http.ServiceHttpServer;
import dev.sluice.cli.http.ServiceMetrics;
import dev.sluice.cli.http.Stages;
import dev.sluice.cli.lineage.JobLineage;
import dev.sluice.cli.lineage.PipelineJob;
import dev.sluice.cli.lineage.PipelineJobs;
import dev.sluice.cli.lineage.ServiceLineage;
import dev.sluice.cli.spec.SpecPipelines;
import dev.sluice.cli.spec.UserSpecs;
import dev.sluice.schemas.registry.RestSchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryConfig;
import org.apache.kafka.common.config.AbstractConfig;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.replicate.ReplicationSpec;
import dev.sluice.transforms.runtime.TransformConfig;
import dev.sluice.transforms.runtime.TransformService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * {@code sluice transform}: the stream-transforms replication pipeline as its own process, and beside it (or alone,
 * {@code --no-replication}) the user's pipeline specs ({@code --spec}), each its own Kafka Streams application.
 * Every spec is parsed, compiled (salts from the environment) and its columns checked against the registered
 * schemas before anything starts: a bad spec stops the command with exit code 1 and writes nothing.
 */
@Command(name = "transform", mixinStandardHelpOptions = true,
        description = {"Run stream-transforms: change topics into deduplicated row topics,",
                "and your pipeline specs (--spec) beside it, each as its own Kafka Streams application."})
public final class TransformCommand implements Callable<Integer> {

    @Mixin
    ConfigFileOption config;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    HttpOptions http;

    @Option(names = "--state-dir", description = "Local state (RocksDB) (default: .sluice/streams).")
    Path stateDir;

    @Option(names = "--spec", paramLabel = "PATH",
            description = "A pipeline spec (YAML) or a directory of *.yaml/*.yml specs to run (repeatable); "
                    + "state under <state-dir>/specs/<pipeline>.")
    List<Path> specs = new ArrayList<>();

    @Option(names = "--no-replication", description = "Run only the --spec pipelines, not the replication pipeline.")
    boolean noReplication;

    @Override
    public Integer call() throws Exception {
        ConfigFileOption.Flags flags = new ConfigFileOption.Flags()
                .put(Section.TRANSFORM, "state.dir", stateDir)
                .put(Section.TRANSFORM, "specs", specs)
                .put(Section.TRANSFORM, "replication", noReplication ? false : null);
        kafka.addTo(flags);
        http.addTo(flags);
        ServiceConfig all = flags.load(config.file, Section.KAFKA, Section.SCHEMA_REGISTRY, Section.HTTP, Section.TRANSFORM, Section.LINEAGE);
        AbstractConfig c = all.get(Section.TRANSFORM);
        Path stateDir = Path.of(c.getString("state.dir"));
        List<Path> specs = c.getList("specs").stream().map(Path::of).toList();
        boolean noReplication = !c.getBoolean("replication");
        if (noReplication && specs.isEmpty()) {
            throw new IllegalArgumentException("--no-replication leaves nothing to run; add --spec PATH.");
        }
        Function<String, String> env = System::getenv;
        List<PipelineSpec> pipelines = UserSpecs.load(specs, Set.of(ReplicationSpec.DEFAULT_PIPELINE));
        pipelines.forEach(spec -> UserSpecs.compile(spec, env));
        if (!pipelines.isEmpty()) {
            RestSchemaRegistryClient registry = new RestSchemaRegistryClient(all.registryUrl(),
                    RestSchemaRegistryClient.DEFAULT_RETRY_WINDOW, SchemaRegistryConfig.accessFrom(all.registryAccess(true)));
            pipelines.forEach(spec -> UserSpecs.checkColumns(spec, registry));
        }

        // Kafka settings, and beside them the registry's credentials (TransformService hands those to its client)
        Map<String, Object> overrides = new HashMap<>(all.kafkaPassThrough());
        overrides.putAll(all.registryAccess(true));
        ServiceMetrics.prometheus(); // before Streams binds its metrics into the global registry
        TransformConfig base = tuned(TransformConfig.of(all.bootstrapServers(), all.registryUrl()).withKafkaOverrides(overrides)
                .withRecordSizeLimit(all.recordSizeLimit()), c);
        AtomicBoolean closing = new AtomicBoolean();
        List<AutoCloseable> running = new ArrayList<>();
        Health health = new Health(List.of());
        ServiceHttpServer server = ServiceHttpServer.start(all.get(Section.HTTP).getInt("port"), ServiceMetrics.prometheus(), health);
        running.add(server);
        System.out.println("sluice transform serves " + server.describe());
        try {
            if (!noReplication) {
                TransformService replication = new TransformService(base.withStateDir(stateDir));
                running.add(replication);
                health.add(Stages.transform("transform", replication, closing::get));
                replication.start();
            }
            // after replication: a spec may read or join its row topics, which it creates at start
            if (!pipelines.isEmpty()) {
                SpecPipelines specPipelines = SpecPipelines.start(pipelines, base, stateDir.resolve("specs"), env);
                running.add(specPipelines);
                specPipelines.services().forEach(s -> health.add(Stages.transform(s.config().applicationId(), s, closing::get)));
                System.out.println("sluice transform: pipelines " + String.join(", ",
                        pipelines.stream().map(PipelineSpec::pipeline).toList()) + " started");
            }
        } catch (RuntimeException e) {
            closeAll(running);
            throw e;
        }
        List<JobLineage> jobs = new ArrayList<>();
        if (!noReplication) {
            jobs.add(PipelineJobs.replication());
        }
        pipelines.forEach(spec -> jobs.add(PipelineJob.ofSpec(spec)));
        Supplier<ServiceLineage> lineage = () -> ServiceLineage.start(all, jobs);
        return ServiceLifetime.runUntilStopped("sluice transform", () -> {
            closing.set(true);
            closeAll(running);
        }, health, lineage);
    }

    /** The transform section's RocksDB bound, standby replicas and static membership id, for every pipeline. */
    static TransformConfig tuned(TransformConfig base, AbstractConfig transform) {
        String instanceId = transform.getString("instance.id");
        return base.withRocksDbMemory(transform.getLong("rocksdb.memory.mb") << 20)
                .withStandbyReplicas(transform.getInt("standby.replicas"))
                .withGroupInstanceId(instanceId == null || instanceId.isBlank() ? null : instanceId);
    }

    /** In reverse start order: the specs stop before the replication pipeline whose rows they may read, the server last. */
    private static void closeAll(List<AutoCloseable> running) {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                System.err.println("sluice transform: while stopping: " + e.getMessage());
            }
        }
    }
}
