package dev.sluice.cli.backfill;

import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.source.TableId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * How many rows a backfill will read, for the progress line: the planner's estimate
 * ({@code pg_class.reltuples}) for big tables, where counting would scan the table a second time,
 * and an exact {@code count(*)} below {@link #EXACT_BELOW} estimated rows (or when never analysed).
 */
final class RowEstimate {

    static final long EXACT_BELOW = 1_000_000;

    private RowEstimate() {
    }

    /** The estimate and whether it is exact. */
    record Rows(long count, boolean exact) {
        String display() {
            return exact ? String.format("%,d", count) : String.format("~%,d", count);
        }
    }

    static Rows of(Connection connection, TableId table) throws SQLException {
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
            return new Rows(planner, false);
        }
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + ControlTables.quoted(table))) {
            rs.next();
            return new Rows(rs.getLong(1), true);
        }
    }
}
