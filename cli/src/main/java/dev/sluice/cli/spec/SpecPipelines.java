package dev.sluice.cli.spec;

import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.runtime.TransformConfig;
import dev.sluice.transforms.runtime.TransformService;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Users' pipeline specs, each run as its own Kafka Streams application ({@link TransformService}, application id
 * {@code sluice-<pipeline>}, state under {@code <stateDir>/<pipeline>}) beside whatever else the process runs.
 * Every service is built (its topology compiled, its salts read) before the first one starts, so a spec that
 * cannot run stops them all before anything is written.
 */
public final class SpecPipelines implements AutoCloseable {

    private final List<TransformService> services = new ArrayList<>();

    private SpecPipelines() {
    }

    /**
     * Builds then starts {@code specs} in their order; on a failure those already started are stopped and the
     * failure is thrown.
     *
     * @param base where Kafka and the registry are and the Kafka settings passed through; the pipeline and state
     *             directory are set per spec
     * @param env  the environment variables specs name (a mask's salt)
     */
    public static SpecPipelines start(List<PipelineSpec> specs, TransformConfig base, Path stateDir,
                                      Function<String, String> env) {
        SpecPipelines pipelines = new SpecPipelines();
        try {
            for (PipelineSpec spec : specs) {
                pipelines.services.add(new TransformService(base.withPipeline(spec)
                        .withStateDir(stateDir.resolve(spec.pipeline())), env));
            }
            for (TransformService service : pipelines.services) {
                service.start();
            }
            return pipelines;
        } catch (RuntimeException e) {
            pipelines.close();
            throw e;
        }
    }

    /** The running specs' services, in start order (for health checks). */
    public List<TransformService> services() {
        return List.copyOf(services);
    }

    /** The Kafka Streams application ids (consumer groups) of the running specs. */
    public List<String> applicationIds() {
        return services.stream().map(s -> s.config().applicationId()).toList();
    }

    /** Stops them in reverse start order. */
    @Override
    public void close() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        services.clear();
    }
}
