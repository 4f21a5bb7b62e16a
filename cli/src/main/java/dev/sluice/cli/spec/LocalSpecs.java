package dev.sluice.cli.spec;

import dev.sluice.cli.demo.DemoPipelines;
import dev.sluice.cli.local.ReplicationPipeline;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.schemas.registry.RestSchemaRegistryClient;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.replicate.ReplicationSpec;
import dev.sluice.transforms.runtime.TransformConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * {@code sluice local --spec}: the user's pipeline specs beside replication (on the demo or on the user's own
 * database), each its own Kafka Streams application with state under {@code <home>/specs/<pipeline>}, and one more
 * sink connector, {@code sluice-warehouse-specs}, writing their outputs into the same warehouse. {@link #load} runs
 * before local mode starts anything; {@link #start} once the replication pipeline runs.
 */
public final class LocalSpecs {

    public static final String CONNECTOR = SinkConnectorConfig.NAME + "-specs";

    private final List<PipelineSpec> specs;
    private final Function<String, String> env;

    private LocalSpecs(List<PipelineSpec> specs, Function<String, String> env) {
        this.specs = specs;
        this.env = env;
    }

    /**
     * Parses and compiles the specs under {@code paths} (salts from the environment).
     *
     * @param demo whether the demo runs, whose pipeline names the user's specs may not take
     */
    public static LocalSpecs load(List<Path> paths, boolean demo) {
        Set<String> taken = new HashSet<>(Set.of(ReplicationSpec.DEFAULT_PIPELINE));
        if (demo && !paths.isEmpty()) {
            DemoPipelines.specs().forEach(spec -> taken.add(spec.pipeline()));
        }
        Function<String, String> env = System::getenv;
        List<PipelineSpec> specs = UserSpecs.load(paths, taken);
        specs.forEach(spec -> UserSpecs.compile(spec, env));
        return new LocalSpecs(specs, env);
    }

    /** The specs, in the order given. */
    public List<PipelineSpec> specs() {
        return specs;
    }

    /**
     * Checks the specs' columns against the registry, starts them and their sink connector; adds what it started
     * to {@code running} (closed in reverse order by local mode). Nothing when no spec was given.
     */
    public void start(ReplicationPipeline replication, List<AutoCloseable> running, String bootstrapServers,
                      String registryUrl, Path home, WarehouseTarget warehouse, PrintStream out) {
        if (specs.isEmpty()) {
            return;
        }
        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(registryUrl);
        specs.forEach(spec -> UserSpecs.checkColumns(spec, registry));
        running.add(SpecPipelines.start(specs, TransformConfig.of(bootstrapServers, registryUrl)
                        .withRecordSizeLimit(replication.recordSizeLimit()),
                home.resolve("specs"), env));
        replication.startSinkMatching(CONNECTOR, warehouse, UserSpecs.outputTopicsRegex(specs));
        for (PipelineSpec spec : specs) {
            out.println("  Your pipeline     " + spec.pipeline() + " -> " + spec.output().topicTemplate()
                    + "   (warehouse table: the topic's last part)");
        }
    }
}
