package dev.sluice.cli.backfill;

import dev.sluice.cli.local.DurationOption;
import dev.sluice.cli.config.ConfigFileOption;
import dev.sluice.cli.config.Section;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.cli.service.KafkaOptions;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.source.TableId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/** {@code sluice backfill}: re-reads a captured table into its change topic while streaming goes on. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = {"Backfill a captured table: a running sluice ingest re-reads all its rows into the change topic",
                "(a Debezium incremental snapshot, in chunks), while the other changes keep streaming."})
public final class BackfillCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ConfigFileOption config;

    @Option(names = "--source-url", required = true, paramLabel = "postgresql://USER@HOST:PORT/DB",
            description = "The captured database (password from PGPASSWORD); the user needs INSERT on the signal table.")
    String sourceUrl;

    @Option(names = "--table", required = true, paramLabel = "SCHEMA.TABLE", description = "The table to backfill.")
    String table;

    @Option(names = "--slot", defaultValue = IngestSettings.DEFAULT_SLOT_NAME,
            description = "Slot of the ingest service to ask (default: ${DEFAULT-VALUE}); its signal table is <slot>_signal.")
    String slot;

    @Option(names = "--publication", defaultValue = IngestSettings.DEFAULT_PUBLICATION_NAME,
            description = "Publication of that ingest service (default: ${DEFAULT-VALUE}).")
    String publication;

    @Option(names = "--topic-prefix", defaultValue = IngestSettings.DEFAULT_TOPIC_PREFIX,
            description = "Topic prefix of that ingest service (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--control-schema", defaultValue = IngestSettings.DEFAULT_CONTROL_SCHEMA,
            description = "Schema of Sluice's signal table (default: ${DEFAULT-VALUE}).")
    String controlSchema;

    @Option(names = "--progress-interval", defaultValue = "2s", converter = DurationOption.class,
            description = "How often to print progress (default: ${DEFAULT-VALUE}).")
    Duration progressInterval;

    @Option(names = "--timeout", defaultValue = "6h", converter = DurationOption.class,
            description = "Give up when not complete after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        // Kafka and the registry as the services find them: flags, SLUICE_KAFKA_..., or the --config file
        ServiceConfig all = kafka.addTo(new ConfigFileOption.Flags()).load(config.file, Section.KAFKA, Section.SCHEMA_REGISTRY);
        Backfill backfill = new Backfill(new Backfill.Settings(SourceUrl.parse(sourceUrl), TableId.parse(table), slot,
                publication, controlSchema, topicPrefix, all.bootstrapServers(), all.registryUrl(), all.kafkaPassThrough(),
                progressInterval, timeout));
        PrintWriter out = spec.commandLine().getOut();
        backfill.run(out);
        return 0;
    }
}
