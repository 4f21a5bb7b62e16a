package dev.sluice.ingest.slot;

import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.source.SourceRequirements;
import dev.sluice.ingest.source.TableId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Removes what an ingest service left in the source: its replication slot (which otherwise keeps
 * WAL forever once nobody reads it) and, on request, the publication and Sluice's signal and
 * heartbeat tables. A slot some process is reading is never dropped: that is refused with one
 * sentence naming the process.
 */
public final class SlotRemoval {

    private final String slot;
    private final String publication;
    private final ControlTables control;

    public SlotRemoval(String slot, String publication, ControlTables control) {
        this.slot = slot;
        this.publication = publication;
        this.control = control;
    }

    /**
     * Drops the slot (and with {@code withObjects} the publication and control tables, when they
     * exist); returns what was dropped, in words.
     *
     * @throws IllegalStateException when the slot is active in another process
     */
    public List<String> drop(Connection connection, boolean withObjects) throws SQLException {
        List<String> dropped = new ArrayList<>();
        Integer activePid = null;
        String application = null;
        boolean exists = false;
        try (PreparedStatement s = connection.prepareStatement("""
                SELECT r.active_pid, a.application_name
                FROM pg_replication_slots r LEFT JOIN pg_stat_activity a ON a.pid = r.active_pid
                WHERE r.slot_name = ?""")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    exists = true;
                    activePid = (Integer) rs.getObject(1);
                    application = rs.getString(2);
                }
            }
        }
        SourceRequirements.slotInUse(slot, activePid, application).ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
        if (exists) {
            try (PreparedStatement s = connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                s.setString(1, slot);
                s.execute();
            } catch (SQLException e) {
                // it became active between the check and the drop
                if ("55006".equals(e.getSQLState())) {
                    throw new IllegalStateException("Replication slot " + slot + " was taken by another process just now ("
                            + e.getMessage() + "); stop the ingest service reading it and try again.", e);
                }
                throw e;
            }
            dropped.add("replication slot " + slot);
        }
        if (withObjects) {
            try (Statement s = connection.createStatement()) {
                if (publicationExists(connection)) {
                    s.execute("DROP PUBLICATION \"" + publication.replace("\"", "\"\"") + "\"");
                    dropped.add("publication " + publication);
                }
                for (TableId table : control.both()) {
                    if (tableExists(connection, table)) {
                        s.execute("DROP TABLE " + ControlTables.quoted(table));
                        dropped.add("table " + table);
                    }
                }
            }
        }
        return dropped;
    }

    private boolean publicationExists(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            s.setString(1, publication);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    static boolean tableExists(Connection connection, TableId table) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            s.setString(1, ControlTables.quoted(table));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
