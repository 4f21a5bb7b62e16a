package dev.sluice.cli.backfill;

import dev.sluice.cli.local.DurationOption;
import dev.sluice.cli.config.ConfigFileOption;
import dev.sluice.cli.config.Section;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.cli.service.KafkaOptions;
import dev.sluice.ingest.source.TableId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
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

    @Mixin
    IngestSourceOptions source;

    @Option(names = "--table", required = true, paramLabel = "SCHEMA.TABLE", description = "The table to backfill.")
    String table;

    @Option(names = "--progress-interval", defaultValue = "2s", converter = DurationOption.class,
            description = "How often to print progress (default: ${DEFAULT-VALUE}).")
    Duration progressInterval;

    @Option(names = "--timeout", defaultValue = "6h", converter = DurationOption.class,
            description = "Give up when not complete after this long (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        if (!source.given()) {
            // optional in the shared options (sluice rebuild start backfills only with it), required here
            throw new ParameterException(spec.commandLine(),
                    "Missing required option: '--source-url=postgresql://USER@HOST:PORT/DB'");
        }
        // Kafka and the registry as the services find them: flags, SLUICE_KAFKA_..., or the --config file
        ServiceConfig all = kafka.addTo(new ConfigFileOption.Flags()).load(config.file, Section.KAFKA, Section.SCHEMA_REGISTRY);
        Backfill backfill = new Backfill(source.backfill(TableId.parse(table), all, progressInterval, timeout));
        PrintWriter out = spec.commandLine().getOut();
        backfill.run(out);
        return 0;
    }
}
