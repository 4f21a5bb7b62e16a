package dev.sluice.cli.local;

import dev.sluice.embedded.PostgresServer;

import java.nio.file.Path;

/** Which warehouse a generated run (bench, chaos) writes into; picocli names the valid values on a typo. */
public enum WarehouseKind {
    postgres,
    duckdb;

    /** The warehouse of a generated run: a database beside the source's, or a DuckDB file in the run's directory. */
    public WarehouseTarget target(PostgresServer server, String database, Path workDir) {
        return this == duckdb
                ? WarehouseTarget.parse("jdbc:duckdb:" + workDir.resolve("warehouse.duckdb").toAbsolutePath(), null)
                : new WarehouseTarget(server.jdbcUrl(database), server.user(), server.password());
    }
}
