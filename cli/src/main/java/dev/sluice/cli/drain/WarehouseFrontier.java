package dev.sluice.cli.drain;

import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.dialect.duckdb.SharedDuckDb;
import dev.sluice.sink.write.OffsetStore;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads how far each warehouse table is complete: {@code _sluice_progress.complete_version}, the source LSN up to
 * which every change has been applied (moved by source heartbeats, written in the same transaction as the rows).
 * A DuckDB file is read through the sink's shared instance, so this works in the JVM that runs the sink; from another
 * process only once the sink has let go of the file.
 */
public final class WarehouseFrontier {

    private final WarehouseTarget warehouse;

    public WarehouseFrontier(WarehouseTarget warehouse) {
        this.warehouse = warehouse;
    }

    /** Per table, the LSN it is complete up to; a table without one yet (or without the column) maps to -1. */
    public Map<String, Long> read(List<String> tables) throws SQLException {
        if (warehouse.isDuckDb()) {
            try (WarehouseConnection c = SharedDuckDb.acquire(warehouse.jdbcUrl())) {
                return read(c.jdbc(), tables);
            }
        }
        try (Connection c = DriverManager.getConnection(warehouse.jdbcUrl(), warehouse.user(), warehouse.password())) {
            return read(c, tables);
        }
    }

    static Map<String, Long> read(Connection c, List<String> tables) throws SQLException {
        Map<String, Long> result = new HashMap<>();
        tables.forEach(t -> result.put(t, -1L));
        String sql = "SELECT \"table_name\", \"complete_version\" FROM \"" + OffsetStore.PROGRESS_TABLE + "\"";
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                long version = rs.getLong(2);
                if (!rs.wasNull() && result.containsKey(rs.getString(1))) {
                    result.put(rs.getString(1), version);
                }
            }
        } catch (SQLException e) {
            if (!missingTable(e)) {
                throw e;
            }
        }
        return result;
    }

    /** Before the sink's first write the progress table (or its frontier columns) may not exist yet. */
    private static boolean missingTable(SQLException e) {
        String m = String.valueOf(e.getMessage()).toLowerCase();
        return m.contains("does not exist") || m.contains("not found") || m.contains("no such");
    }
}
