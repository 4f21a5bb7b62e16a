package dev.sluice.cli.rebuild;

import dev.sluice.cli.backfill.IngestSourceOptions;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.cli.http.Health;
import dev.sluice.cli.http.Stages;
import dev.sluice.cli.local.DurationOption;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.replay.StreamsApplication;
import dev.sluice.cli.service.ServiceLifetime;
import dev.sluice.cli.spec.UserSpecs;
import dev.sluice.ingest.source.TableId;
import dev.sluice.schemas.registry.RestSchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryConfig;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.replicate.ReplicationSpec;
import dev.sluice.transforms.runtime.TransformConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code sluice rebuild start}: runs a pipeline's new version as its own application from the earliest retained
 * offsets into shadow tables, until stopped (Ctrl-C), like the other services. Run it again with the same name to
 * resume; once the rebuild is promoted, the same command keeps the live tables current. When an input change topic
 * lost records the rebuild has not read (retention) and {@code --source-url} names the captured database, the table
 * is backfilled first, so the rebuild is complete ({@link HistoryBackfill}).
 */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = {"Run a spec (--spec FILE) or the replication pipeline (--replication) from the start of retained",
                "history into shadow tables <table>__NAME, until stopped; the live version keeps serving.",
                "With --source-url, the tables of input change topics that lost their start are backfilled first."})
public final class RebuildStartCommand implements Callable<Integer> {

    @Mixin
    RebuildOptions options;

    @ArgGroup(multiplicity = "1")
    What what;

    static final class What {
        @Option(names = "--spec", paramLabel = "FILE", description = "The pipeline spec's new version.")
        Path spec;

        @Option(names = "--replication", description = "Rebuild the replication pipeline (every replicated table).")
        boolean replication;
    }

    @Option(names = "--as", required = true, paramLabel = "NAME",
            description = "The rebuild's name: shadow tables are <table>__NAME, e.g. v2.")
    String name;

    @Option(names = "--live-connector", paramLabel = "CONNECTOR",
            description = "The sink connector writing the live tables, which promotion waits to be stopped"
                    + " (default: the sink of the pipeline's promoted rebuild, else sluice-warehouse for --replication"
                    + " and sluice-warehouse-specs for --spec).")
    String liveConnector;

    @Mixin
    IngestSourceOptions source;

    @Option(names = "--backfill-timeout", defaultValue = "6h", paramLabel = "DURATION",
            converter = DurationOption.class,
            description = "With --source-url: give up (and do not start) when a backfill is not complete after this"
                    + " long (default: ${DEFAULT-VALUE}).")
    Duration backfillTimeout;

    @Override
    public Integer call() throws Exception {
        Started started = start();
        started.truncated().forEach(line -> System.err.println("sluice rebuild: warning: " + line));
        ShadowRun run = started.run();
        Shadow shadow = started.shadow();
        System.out.println("sluice rebuild " + name + ": " + shadow.applicationId() + " writes "
                + (started.promoted() ? "the live tables (promoted)" : "<table>__" + name)
                + "; follow it with sluice rebuild status " + name + ", stop it with Ctrl-C.");
        AtomicBoolean closing = new AtomicBoolean();
        Health health = new Health(List.of(Stages.transform(shadow.applicationId(), run.transform(), closing::get),
                Stages.connect(run.connect(), () -> List.of(shadow.connector()))));
        return ServiceLifetime.runUntilStopped("sluice rebuild", () -> {
            closing.set(true);
            run.close();
        }, health);
    }

    /**
     * What {@link #start} started: the rebuild's processes, its names, whether it writes the live tables, the source
     * tables it backfilled first, and one warning per input partition that lost records the rebuild had not read and no
     * backfill filled ({@link RetainedHistory}).
     */
    record Started(ShadowRun run, Shadow shadow, boolean promoted, List<TableId> backfilled, List<String> truncated) {
    }

    /**
     * Checks the spec, records (or finds) the rebuild in the warehouse and starts its processes; the command then
     * keeps them running until stopped.
     */
    Started start() throws Exception {
        if (source.given()) {
            source.source(); // a password in the URL is refused before anything is written
        }
        ServiceConfig all = options.all();
        Function<String, String> env = System::getenv;
        PipelineSpec spec = null;
        if (what.spec != null) {
            List<PipelineSpec> specs = UserSpecs.load(List.of(what.spec), Set.of(ReplicationSpec.DEFAULT_PIPELINE));
            if (specs.size() != 1) {
                throw new IllegalArgumentException("--spec " + what.spec + " holds " + specs.size() + " specs; a rebuild"
                        + " runs one pipeline, so name its spec file.");
            }
            spec = specs.get(0);
            UserSpecs.compile(spec, env);
            UserSpecs.checkColumns(spec, new RestSchemaRegistryClient(all.registryUrl(),
                    RestSchemaRegistryClient.DEFAULT_RETRY_WINDOW, SchemaRegistryConfig.accessFrom(all.registryAccess(true))));
        }
        Shadow shadow = new Shadow(name, spec);
        WarehouseTarget warehouse = options.warehouse();
        Rebuilds.Row row = Rebuild.register(warehouse, shadow, spec == null ? "replication" : what.spec.toString(),
                liveConnector);
        boolean promoted = row.state() == Rebuilds.State.PROMOTED;

        Map<String, Object> overrides = new HashMap<>(all.kafkaPassThrough());
        overrides.putAll(all.registryAccess(true));
        // --topic-prefix names the change topics the replication pipeline reads, as it names those a backfill fills
        TransformConfig base = TransformConfig.of(all.bootstrapServers(), all.registryUrl()).withKafkaOverrides(overrides)
                .withSpec(ReplicationSpec.defaults().withPrefix(source.topicPrefix()));
        Map<String, String> worker = all.connectWorker();
        Map<String, String> secrets = all.connectorSecrets();
        HistoryBackfill.Outcome filled;
        try (Admin admin = options.admin()) {
            // from where the application reads on: the earliest retained offsets at its first start
            Map<TopicPartition, Long> committed = new StreamsApplication(shadow.applicationId(), List.of())
                    .committedInputs(admin);
            List<RetainedHistory.Gap> gaps = RetainedHistory.gaps(admin, inputs(spec, base.spec()), committed);
            // before the shadow starts, so that it reads the re-read rows; a failed backfill stops here
            filled = HistoryBackfill.run(gaps, source, all, backfillTimeout, name,
                    new PrintWriter(System.out, true));
        }
        // the tables whose history the live sink keeps keep it in the rebuild too (swapped along at promotion)
        List<String> history = Rebuild.tablesWithHistory(warehouse).stream()
                .map(t -> promoted ? t : t + "__" + shadow.name()).toList();
        ShadowRun run = ShadowRun.start(shadow, base, options.stateDir(), options.workDir(),
                history.isEmpty() ? warehouse : warehouse.withHistory(history), promoted, worker, secrets, env);
        return new Started(run, shadow, promoted, filled.backfilled(), filled.warnings());
    }

    /** The topics the pipeline reads: the spec's topics or pattern, or replication's change topics. */
    private static Predicate<String> inputs(PipelineSpec spec, ReplicationSpec replication) {
        if (spec == null) {
            return replication::isInputTopic;
        }
        if (spec.source().pattern() != null) {
            return topic -> spec.source().pattern().matcher(topic).matches();
        }
        return spec.source().topics()::contains;
    }
}
