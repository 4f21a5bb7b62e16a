package dev.sluice.cli.drain;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The source's current WAL position as a number, the same scale as the LSNs in {@code __version} and heartbeats. */
public final class SourcePosition {

    private SourcePosition() {
    }

    /** Reads {@code pg_current_wal_lsn()}: every transaction committed so far lies before it. */
    public static long current(String jdbcUrl, String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            return current(c);
        }
    }

    public static long current(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
