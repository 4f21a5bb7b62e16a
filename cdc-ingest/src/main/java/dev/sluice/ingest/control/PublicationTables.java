package dev.sluice.ingest.control;

import dev.sluice.ingest.source.TableId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Keeps the publication holding exactly the captured tables (plus Sluice's control tables), so that a
 * table added to the configuration is published from the next start on. A missing publication is
 * created here, not by Debezium: Debezium's filtered publication SQL does not escape a double quote in a
 * table name (a syntax error, and the engine fails), while every name here is quoted and escaped.
 */
public final class PublicationTables {

    private final String publication;

    public PublicationTables(String publication) {
        this.publication = publication;
    }

    /** The tables the publication holds now, or empty when it does not exist. */
    public Optional<Set<TableId>> current(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            s.setString(1, publication);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
            }
        }
        Set<TableId> tables = new LinkedHashSet<>();
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT schemaname, tablename FROM pg_publication_tables WHERE pubname = ?")) {
            s.setString(1, publication);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tables.add(new TableId(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return Optional.of(tables);
    }

    /**
     * Creates the publication with {@code wanted} when it does not exist, else sets its tables to {@code wanted}
     * when they differ; returns the tables that were added to an existing publication (empty when nothing changed
     * or the publication is new).
     */
    public List<TableId> sync(Connection connection, List<TableId> wanted) throws SQLException {
        Optional<Set<TableId>> current = current(connection);
        if (current.isEmpty()) {
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE PUBLICATION \"" + publication.replace("\"", "\"\"") + "\" FOR TABLE "
                        + wanted.stream().map(ControlTables::quoted).collect(Collectors.joining(", ")));
            }
            return List.of();
        }
        if (current.get().equals(new LinkedHashSet<>(wanted))) {
            return List.of();
        }
        List<TableId> added = new ArrayList<>(wanted);
        added.removeAll(current.get());
        try (Statement s = connection.createStatement()) {
            s.execute("ALTER PUBLICATION \"" + publication.replace("\"", "\"\"") + "\" SET TABLE "
                    + wanted.stream().map(ControlTables::quoted).collect(Collectors.joining(", ")));
        }
        return added;
    }
}
