package dev.sluice.ingest.load;

import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.source.TableId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How many rows a table's load or backfill will read, for progress: the planner's estimate ({@code pg_class.reltuples}) for
 * big tables, where counting would scan the table a second time, else an exact {@code count(*)}.
 */
public record RowEstimate(long rows, boolean exact) {

    static final long EXACT_BELOW = 1_000_000;

    /** The figure for a progress line: {@code 12,345}, or {@code ~12,345} when estimated. */
    public String display() {
        return exact ? String.format("%,d", rows) : String.format("~%,d", rows);
    }

    public static RowEstimate of(Connection connection, TableId table) throws SQLException {
        long planner = -1;
        try (PreparedStatement s = connection.prepareStatement("SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(?)")) {
            s.setString(1, ControlTables.quoted(table));
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    planner = rs.getLong(1);
                }
            }
        }
        if (planner >= EXACT_BELOW) {
            return new RowEstimate(planner, false);
        }
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + ControlTables.quoted(table))) {
            rs.next();
            return new RowEstimate(rs.getLong(1), true);
        }
    }
}
