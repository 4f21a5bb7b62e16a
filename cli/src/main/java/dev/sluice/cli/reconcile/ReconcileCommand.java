package dev.sluice.cli.reconcile;

import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.source.SourcePreflight;
import dev.sluice.ingest.source.TableId;
import dev.sluice.sink.config.TableNameFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sluice reconcile}: compares replicated tables between source and warehouse, one line per table. */
@Command(name = "reconcile", mixinStandardHelpOptions = true,
        description = "Compare source and warehouse tables (row count and content); exit 1 on any difference.")
public final class ReconcileCommand implements Callable<Integer> {

    @Option(names = "--source-url", required = true, paramLabel = "postgresql://USER@HOST:PORT/DB")
    String sourceUrl;

    @Option(names = "--warehouse", required = true, paramLabel = "JDBC_URL")
    String warehouse;

    @Option(names = "--tables", split = ",", paramLabel = "SCHEMA.TABLE",
            description = "Tables to compare (default: every table with a primary key).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--table-name-format", paramLabel = "FORMAT",
            description = "The sink's table.name.format, so each source table is compared with the warehouse table it "
                    + "lands in (default: $${table}).")
    String tableNameFormat = TableNameFormat.DEFAULT;

    @Override
    public Integer call() throws Exception {
        SourceUrl source = SourceUrl.parse(sourceUrl);
        WarehouseTarget target = WarehouseTarget.parse(warehouse, Path.of(".sluice", "warehouse.duckdb"))
                .withTableNameFormat(tableNameFormat);
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
