package dev.sluice.cli.slot;

import dev.sluice.cli.SluiceCommand;
import dev.sluice.embedded.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice slot drop} on a real PostgreSQL: refused with one sentence while another process
 * streams from the slot; once that stopped, drops the slot, and with {@code --all} the publication
 * and Sluice's signal and heartbeat tables too.
 */
class SlotDropCommandIT {

    private static PostgresServer postgres;

    @BeforeAll
    static void start() throws SQLException {
        postgres = PostgresServer.startThrowaway();
        postgres.createDatabase("slots");
        try (Connection c = postgres.connect("slots"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.orders (id int PRIMARY KEY)");
            s.execute("CREATE TABLE public.dropme_signal (id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))");
            s.execute("CREATE TABLE public.dropme_heartbeat (id int PRIMARY KEY, beat_at timestamptz NOT NULL)");
            s.execute("CREATE PUBLICATION dropme_pub FOR TABLE public.orders, public.dropme_signal, public.dropme_heartbeat");
            s.execute("SELECT pg_create_logical_replication_slot('dropme', 'pgoutput')");
        }
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void refusesWhileTheSlotIsReadThenDropsSlotPublicationAndTables() throws Exception {
        try (Connection replication = replicationConnection();
             PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
                     .logical().withSlotName("dropme")
                     .withSlotOption("proto_version", 1).withSlotOption("publication_names", "dropme_pub")
                     .start()) {
            Result refused = run("slot", "drop", "--source-url", url(), "--slot", "dropme", "--publication", "dropme_pub", "--all");
            assertThat(refused.exit).isEqualTo(2);
            assertThat(refused.err.trim()).matches("sluice: Replication slot dropme is in use by another process,"
                    + " PostgreSQL backend pid \\d+( \\(.*\\))?; stop the ingest service reading it, or choose another slot name with --slot\\.");
            assertThat(count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'dropme'")).isEqualTo(1);
        }

        Result dropped = run("slot", "drop", "--source-url", url(), "--slot", "dropme", "--publication", "dropme_pub", "--all");
        assertThat(dropped.exit).as(dropped.err).isZero();
        assertThat(dropped.out.trim()).isEqualTo("Dropped replication slot dropme, publication dropme_pub, table"
                + " public.dropme_signal, table public.dropme_heartbeat in " + displayUrl() + ".");
        assertThat(count("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'dropme'")).isZero();
        assertThat(count("SELECT count(*) FROM pg_publication WHERE pubname = 'dropme_pub'")).isZero();
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname IN ('dropme_signal', 'dropme_heartbeat')")).isZero();
        assertThat(count("SELECT count(*) FROM pg_class WHERE relname = 'orders'")).as("captured tables stay").isEqualTo(1);

        Result again = run("slot", "drop", "--source-url", url(), "--slot", "dropme");
        assertThat(again.exit).isZero();
        assertThat(again.out.trim()).isEqualTo("Nothing to drop: replication slot dropme does not exist in " + displayUrl() + ".");
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SluiceCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    private static String url() {
        return "postgresql://" + postgres.user() + "@" + postgres.host() + ":" + postgres.port() + "/slots";
    }

    private static String displayUrl() {
        return "postgresql://" + postgres.user() + "@" + postgres.host() + ":" + postgres.port() + "/slots";
    }

    private static Connection replicationConnection() throws SQLException {
        Properties props = new Properties();
        PGProperty.USER.set(props, postgres.user());
        PGProperty.PASSWORD.set(props, postgres.password());
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        return DriverManager.getConnection(postgres.jdbcUrl("slots"), props);
    }

    private static long count(String query) throws SQLException {
        try (Connection c = postgres.connect("slots"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
