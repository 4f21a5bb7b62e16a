package dev.sluice.cli.live;

import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.dialect.duckdb.SharedDuckDb;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Reads the warehouse from inside the process that writes it: a DuckDB file through the sink's shared instance
 * (DuckDB lets one process open a file, so no other process could), PostgreSQL through a connection of its own.
 * A connection is borrowed per read and given back at once, so the sink can close the file when it stops.
 */
public final class WarehouseReader {

    /** Work done on a borrowed connection. */
    @FunctionalInterface
    public interface Read<T> {
        T on(Connection connection) throws SQLException;
    }

    private final WarehouseTarget target;

    public WarehouseReader(WarehouseTarget target) {
        this.target = target;
    }

    public <T> T read(Read<T> work) throws SQLException {
        if (target.isDuckDb()) {
            try (WarehouseConnection c = SharedDuckDb.acquire(target.jdbcUrl())) {
                return work.on(c.jdbc());
            }
        }
        try (Connection c = target.open()) {
            c.setReadOnly(true); // PostgreSQL: a read-only transaction refuses any write
            return work.on(c);
        }
    }

    public boolean isDuckDb() {
        return target.isDuckDb();
    }

    /** Quotes an identifier for both warehouses. */
    static String quote(String identifier) {
        return "\"" + identifier.replace("\"", "\"\"") + "\"";
    }
}
