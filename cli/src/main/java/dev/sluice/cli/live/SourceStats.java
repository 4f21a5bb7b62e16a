package dev.sluice.cli.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.cli.source.SourceUrl;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Reads the source database for the page: each replicated table's row count and the replication slot's lag. One
 * connection, kept between readings and opened again after a failure, with short timeouts so a source that went away
 * costs the page a few seconds, not its thread.
 */
final class SourceStats implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SourceUrl source;
    private Connection connection;

    SourceStats(SourceUrl source) {
        this.source = source;
    }

    /** Rows per {@code schema.table}; a table that cannot be counted now is left out. */
    Map<String, Long> counts(List<String> tables) {
        Map<String, Long> counts = new HashMap<>();
        try (Statement s = connection().createStatement()) {
            s.setQueryTimeout(2);
            for (String table : tables) {
                String[] parts = table.split("\\.", 2);
                String name = parts.length == 2 ? WarehouseReader.quote(parts[0]) + "." + WarehouseReader.quote(parts[1])
                        : WarehouseReader.quote(table);
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + name)) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        } catch (SQLException e) {
            drop();
        }
        return counts;
    }

    /** The source's current WAL position and each slot of this database's lag behind it, or null when unreadable. */
    ObjectNode slot() {
        try (Statement s = connection().createStatement()) {
            s.setQueryTimeout(2);
            ObjectNode slot = JSON.createObjectNode();
            try (ResultSet rs = s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
                rs.next();
                slot.put("currentLsn", rs.getLong(1));
            }
            var slots = slot.putArray("slots");
            try (ResultSet rs = s.executeQuery("SELECT slot_name, active,"
                    + " pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                    + " FROM pg_replication_slots WHERE database = current_database() ORDER BY slot_name")) {
                while (rs.next()) {
                    slots.addObject().put("name", rs.getString(1)).put("active", rs.getBoolean(2))
                            .put("lagBytes", rs.getLong(3));
                }
            }
            return slot;
        } catch (SQLException e) {
            drop();
            return null;
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Properties props = new Properties();
            props.setProperty("user", source.user());
            if (source.password() != null) {
                props.setProperty("password", source.password());
            }
            props.setProperty("connectTimeout", "3");
            props.setProperty("socketTimeout", "5");
            props.setProperty("ApplicationName", "sluice live page");
            connection = DriverManager.getConnection(source.jdbcUrl(), props);
            connection.setReadOnly(true);
        }
        return connection;
    }

    private void drop() {
        close();
    }

    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // going away anyway
            }
            connection = null;
        }
    }
}
