package dev.sluice.cli.demo;

import dev.sluice.schemas.kafka.RecordSizeLimit;
import dev.sluice.transforms.mask.MaskSpec;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import dev.sluice.transforms.runtime.TransformConfig;
import dev.sluice.transforms.runtime.TransformService;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The demo shop's pipeline specs (DESIGN.md section 5), one per source table a spec reads, in the order they
 * must start: the revenue pipeline joins the topics the other two write. Their warehouse tables are
 * {@link #WAREHOUSE_TOPICS}' last parts ({@code customers_masked}, {@code orders_checked}, {@code revenue}).
 * {@link #start} runs them, each as its own {@link TransformService}, beside the replication pipeline, whose
 * {@code replica.public.products} the revenue pipeline joins.
 */
public final class DemoPipelines implements AutoCloseable {

    public static final List<String> SPECS = List.of("shop-customers.yaml", "shop-orders.yaml", "shop-revenue.yaml");

    /** The spec outputs a warehouse receives (side topics such as {@code shop.quarantine} never do). */
    public static final List<String> WAREHOUSE_TOPICS =
            List.of("shop.public.customers_masked", "shop.public.orders_checked", "shop.revenue");

    /** The environment variable holding the e-mail mask's salt (the mask step's default). */
    public static final String SALT_ENV = MaskSpec.DEFAULT_SALT_ENV;

    /**
     * The salt used when {@link #SALT_ENV} is not set: the demo runs without a secret to export, and its hashes
     * are reproducible. Public, hence for the demo only: set {@link #SALT_ENV} for data that matters.
     */
    public static final String DEMO_SALT = "sluice-demo-salt-not-a-secret";

    private final List<TransformService> services = new ArrayList<>();

    private DemoPipelines() {
    }

    /** {@link #SPECS}, parsed, in start order. */
    public static List<PipelineSpec> specs() {
        return SPECS.stream().map(DemoPipelines::parse).toList();
    }

    /**
     * Starts {@code specs} in their order (each service checks its joined topics and columns at start), state under
     * {@code stateDir/<pipeline>}. On a failure the ones already started are stopped and the failure is thrown.
     */
    public static DemoPipelines start(List<PipelineSpec> specs, String bootstrapServers, String registryUrl,
                                      Path stateDir, Function<String, String> env) {
        return start(specs, bootstrapServers, registryUrl, stateDir, env, RecordSizeLimit.DEFAULT);
    }

    /** As above, with records up to {@code limit} ({@code kafka.max.record.bytes}). */
    public static DemoPipelines start(List<PipelineSpec> specs, String bootstrapServers, String registryUrl,
                                      Path stateDir, Function<String, String> env, RecordSizeLimit limit) {
        DemoPipelines pipelines = new DemoPipelines();
        try {
            for (PipelineSpec spec : specs) {
                TransformService service = new TransformService(TransformConfig.of(bootstrapServers, registryUrl)
                        .withPipeline(spec).withStateDir(stateDir.resolve(spec.pipeline())).withRecordSizeLimit(limit), env);
                pipelines.services.add(service);
                service.start();
            }
            return pipelines;
        } catch (RuntimeException e) {
            pipelines.close();
            throw e;
        }
    }

    /** The running pipelines, in start order. */
    public List<TransformService> services() {
        return List.copyOf(services);
    }

    /** Stops them in reverse start order. */
    @Override
    public void close() {
        for (int i = services.size() - 1; i >= 0; i--) {
            services.get(i).close();
        }
        services.clear();
    }

    /** The text of one of {@link #SPECS}. */
    public static String text(String spec) {
        try (InputStream in = DemoPipelines.class.getResourceAsStream(spec)) {
            if (in == null) {
                throw new IllegalStateException("The demo spec " + spec + " is missing from the classpath; rebuild sluice.");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static PipelineSpec parse(String spec) {
        return PipelineSpecParser.parse(text(spec), spec);
    }

    /** The environment the demo specs run with: {@code env}, with {@link #DEMO_SALT} when it has no salt. */
    public static Function<String, String> environment(Function<String, String> env) {
        return name -> {
            String value = env.apply(name);
            return value == null && name.equals(SALT_ENV) ? DEMO_SALT : value;
        };
    }
}
