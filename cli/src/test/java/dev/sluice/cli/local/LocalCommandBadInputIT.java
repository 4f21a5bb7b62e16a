package dev.sluice.cli.local;

import dev.sluice.cli.SluiceCommand;
import dev.sluice.embedded.PortCheck;
import dev.sluice.embedded.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input to {@code sluice local --source-url}: one sentence, a non-zero exit, and nothing
 * written - no replication slot or publication at the source, no broker started, no warehouse file.
 */
class LocalCommandBadInputIT {

    @TempDir
    static Path home;

    private static PostgresServer logical;
    private static PostgresServer replicaOnly;

    @BeforeAll
    static void start() throws Exception {
        logical = PostgresServer.startThrowaway();
        replicaOnly = PostgresServer.startThrowaway(Map.of("wal_level", "replica"));
        logical.createDatabase("app");
        try (Connection c = logical.connect("app"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE orders (id int PRIMARY KEY, total numeric(10,2))");
            s.execute("CREATE TABLE audit_log (at timestamptz, msg text)");
            s.execute("CREATE ROLE reader LOGIN");
            s.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO reader");
        }
    }

    @AfterAll
    static void stop() {
        replicaOnly.close();
        logical.close();
    }

    @Test
    void unreachableSource() {
        int nobody = PortCheck.freePort();
        assertRefused("Cannot connect to PostgreSQL at localhost:" + nobody,
                "--source-url", "postgresql://postgres@localhost:" + nobody + "/app");
    }

    @Test
    void walLevelNotLogical() {
        assertRefused("set wal_level = logical", "--source-url", url(replicaOnly, "postgres", "postgres"));
    }

    @Test
    void userWithoutReplicationRight() {
        assertRefused("ALTER ROLE reader WITH REPLICATION", "--source-url", url(logical, "reader", "app"));
    }

    @Test
    void listedTableThatDoesNotExist() {
        assertRefused("Table public.nope does not exist", "--source-url", url(logical, "postgres", "app"),
                "--tables", "public.orders,public.nope");
    }

    @Test
    void listedTableWithoutPrimaryKey() {
        assertRefused("Table public.audit_log has no primary key; add a primary key, or leave it out of --tables",
                "--source-url", url(logical, "postgres", "app"), "--tables", "public.audit_log");
    }

    @Test
    void warehouseThatCannotBeOpened() {
        int nobody = PortCheck.freePort();
        assertRefused("the warehouse jdbc:postgresql://localhost:" + nobody + "/analytics cannot be opened",
                "--source-url", url(logical, "postgres", "app"),
                "--warehouse", "jdbc:postgresql://localhost:" + nobody + "/analytics");
    }

    @Test
    void warehouseUrlOfAnUnknownKind() {
        assertRefused("is neither jdbc:duckdb:FILE nor jdbc:postgresql://HOST:PORT/DB",
                "--source-url", url(logical, "postgres", "app"), "--warehouse", "mysql://localhost/x");
    }

    private static String url(PostgresServer server, String user, String database) {
        return "postgresql://" + user + "@localhost:" + server.port() + "/" + database;
    }

    private void assertRefused(String expectedMessage, String... args) {
        Path run = home.resolve("run-" + System.nanoTime());
        List<String> all = new ArrayList<>(List.of("local", "--home", run.toString(),
                "--kafka-port", String.valueOf(PortCheck.freePort()), "--registry-port", "0"));
        all.addAll(List.of(args));
        StringWriter err = new StringWriter();
        CommandLine cli = SluiceCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(all.toArray(String[]::new));

        assertThat(code).isNotZero();
        String message = err.toString().strip();
        assertThat(message).contains(expectedMessage);
        assertThat(message.lines().count()).as("one sentence, not a stack trace: " + message).isEqualTo(1);
        assertThat(Files.exists(run.resolve("kafka"))).as("no broker was started").isFalse();
        assertThat(Files.exists(run.resolve("warehouse.duckdb"))).as("no warehouse file").isFalse();
        assertNoSlotOrPublication();
    }

    private static void assertNoSlotOrPublication() {
        try (Connection c = logical.connect("app"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM pg_replication_slots) + (SELECT count(*) FROM pg_publication)")) {
            rs.next();
            assertThat(rs.getLong(1)).as("no slot or publication was created").isZero();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
