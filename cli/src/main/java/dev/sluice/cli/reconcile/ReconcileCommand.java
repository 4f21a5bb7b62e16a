package dev.sluice.cli.reconcile;

import dev.sluice.cli.config.ConfigFileOption;
import dev.sluice.cli.config.Section;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.source.SourcePreflight;
import dev.sluice.ingest.source.TableId;
import org.apache.kafka.common.config.AbstractConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sluice reconcile}: compares replicated tables between source and warehouse, one line per table. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "Compare source and warehouse tables (row count and content); exit 1 on any difference.")
public final class ReconcileCommand implements Callable<Integer> {

    @Option(names = "--source-url", paramLabel = "postgresql://USER@HOST:PORT/DB",
            description = "The source (or local.source.url in --config); no password in the URL: local.source.password "
                    + "in --config, else PGPASSWORD.")
    String sourceUrl;

    @Option(names = "--warehouse", paramLabel = "JDBC_URL",
            description = "The warehouse (or local.warehouse in --config); no password in the URL: "
                    + "local.warehouse.password in --config, else PGPASSWORD.")
    String warehouse;

    /** The local section of sluice.yaml, as sluice local reads it: source and warehouse, each with its own password. */
    @Mixin
    ConfigFileOption config;

    @Option(names = "--tables", split = ",", paramLabel = "SCHEMA.TABLE",
            description = "Tables to compare (default: every table with a primary key).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--table-name-format", paramLabel = "FORMAT",
            description = "The sink's table.name.format, so each source table is compared with the warehouse table it "
                    + "lands in (default: $${table}).")
    String tableNameFormat;

    @Override
    public Integer call() throws Exception {
        AbstractConfig c = new ConfigFileOption.Flags().put(Section.LOCAL, "source.url", sourceUrl)
                .put(Section.LOCAL, "warehouse", warehouse).put(Section.LOCAL, "table.name.format", tableNameFormat)
                .load(config.file, Section.LOCAL).get(Section.LOCAL);
        if (c.getString("source.url") == null || c.getString("warehouse") == null) {
            throw new IllegalArgumentException("reconcile needs a source and a warehouse; pass --source-url and --warehouse"
                    + " (or local.source.url and local.warehouse in --config).");
        }
        SourceUrl source = SourceUrl.parse(c.getString("source.url"));
        if (c.getPassword("source.password") != null) {
            source = source.withPassword(c.getPassword("source.password").value());
        }
        WarehouseTarget target = WarehouseTarget.parse(c.getString("warehouse"), Path.of(".sluice", "warehouse.duckdb"))
                .withCredentials(c.getString("warehouse.user"),
                        c.getPassword("warehouse.password") == null ? null : c.getPassword("warehouse.password").value())
                .withTableNameFormat(c.getString("table.name.format"));
        target.check();
        List<String> toCompare = tables;
        if (toCompare.isEmpty()) {
            IngestSettings settings = IngestSettings.builder().sourceHost(source.host()).sourcePort(source.port())
                    .database(source.database()).user(source.user()).password(source.password())
                    .bootstrapServers("unused:9092").schemaRegistryUrl("http://unused").build();
            toCompare = new SourcePreflight(settings).resolveTables().captured().stream().map(TableId::toString).toList();
        }
        List<TableComparison> results = new Reconciler(source.jdbcUrl(), source.user(), source.password(),
                target.jdbcUrl(), target.user(), target.password(), target::tableFor).compare(toCompare);
        results.forEach(r -> System.out.println(r.line()));
        if (results.isEmpty()) {
            System.err.println(Reconciler.NOTHING_COMPARED);
            return 1;
        }
        return Reconciler.allMatch(results) ? 0 : 1;
    }
}
