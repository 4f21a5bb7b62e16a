package dev.sluice.sink.table;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.Optional;

/**
 * Refuses Sluice's control tables ({@code _sluice_offsets}, {@code _sluice_progress} ...) when another role owns them.
 * They are created with {@code IF NOT EXISTS}, so a table another role made first would be used as it is, and whoever
 * owns {@code _sluice_offsets} decides where the sink resumes: a forged offset skips rows without a trace. PostgreSQL
 * only: a DuckDB file has no roles (whoever can open it owns everything in it).
 */
public final class ControlTableOwners {

    private ControlTableOwners() {
    }

    /**
     * Why the control tables among {@code tables} in the connection's current schema cannot be trusted, or empty when
     * the connected user (or a role whose rights it inherits) owns every one that exists.
     */
    public static Optional<String> problem(Connection c, Collection<String> tables) throws SQLException {
        if (!"PostgreSQL".equals(c.getMetaData().getDatabaseProductName())) {
            return Optional.empty();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT current_schema(), c.relname, pg_get_userbyid(c.relowner),"
                + " current_user FROM pg_class c WHERE c.relnamespace = (SELECT oid FROM pg_namespace"
                + " WHERE nspname = current_schema()) AND c.relname = ANY (?)"
                + " AND NOT pg_has_role(current_user, c.relowner, 'USAGE') ORDER BY c.relname")) {
            ps.setArray(1, c.createArrayOf("text", tables.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String schema = rs.getString(1);
                String table = rs.getString(2);
                String owner = rs.getString(3);
                String user = rs.getString(4);
                return Optional.of("Sluice's control table " + schema + "." + table + " is owned by role " + owner
                        + ", not by the warehouse user " + user + " (or a role it belongs to), so another role could"
                        + " change what Sluice reads from it (e.g. where the sink resumes); drop it, give it to " + user
                        + " (ALTER TABLE " + schema + "." + table + " OWNER TO " + user + "), or give Sluice a schema of"
                        + " its own (CREATE SCHEMA sluice AUTHORIZATION " + user + ", then ?currentSchema=sluice in the"
                        + " warehouse URL).");
            }
        }
    }
}
