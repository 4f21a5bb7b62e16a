package dev.sluice.cli.local;

import dev.sluice.cli.demo.DemoPipelines;
import dev.sluice.cli.http.ServiceHttpServer;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.embedded.LocalKafkaBroker;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import java.io.PrintStream;

/** What {@code sluice local} prints once it runs: where each part listens, so users can attach their own tools. */
final class LocalBanner {
    private final PrintStream out;
    private final int demoRate;

    LocalBanner(PrintStream out, int demoRate) {
        this.out = out;
        this.demoRate = demoRate;
    }

    void print(LocalKafkaBroker broker, EmbeddedSchemaRegistry registry, SourceUrl source, WarehouseTarget target,
               ReplicationPipeline pipeline, boolean demo, boolean shop, ServiceHttpServer server) {
        out.println("Sluice is running locally. Attach your own tools:");
        out.println("  Kafka bootstrap   " + broker.bootstrapServers() + "   (change topics sluice.<schema>.<table>, rows "
                + ReplicationPipeline.PIPELINE + ".<schema>.<table>)");
        out.println("  Schema registry   " + registry.url());
        out.println("  Source            " + source.display() + (demo ? "   (demo shop with a load generator, " + demoRate + " changes/s)" : ""));
        out.println("  Kafka Connect     " + pipeline.connectRestUrl());
        out.println("  Live page         " + server.url() + "/   (the pipeline, its tables and problems, charts"
                + " and a read-only query box, updating live)");
        out.println("  Metrics, health   " + server.describe());
        out.println("  Warehouse         " + target.display());
        if (target.isDuckDb()) {
            String file = target.jdbcUrl().substring("jdbc:duckdb:".length());
            out.println("                    DuckDB allows one process per file: query it in the live page, or after Ctrl-C, e.g.");
            out.println("                    duckdb -readonly " + file + " \"SELECT count(*) FROM orders WHERE NOT __deleted\"");
        }
        out.println("  Tables            " + String.join(", ", pipeline.tables()));
        if (shop) {
            out.println("  Demo pipelines    " + String.join(", ", DemoPipelines.SPECS) + " -> tables customers_masked,"
                    + " orders_checked, revenue (e-mails hashed with " + DemoPipelines.SALT_ENV
                    + (System.getenv(DemoPipelines.SALT_ENV) == null ? ", unset: the public demo salt" : "") + ")");
        }
        if (!pipeline.skippedTables().isEmpty()) {
            out.println("  Skipped           " + String.join(", ", pipeline.skippedTables())
                    + " (no primary key: add one to replicate them)");
        }
        out.println("Press Ctrl-C to stop; run the same command again to resume.");
    }
}
