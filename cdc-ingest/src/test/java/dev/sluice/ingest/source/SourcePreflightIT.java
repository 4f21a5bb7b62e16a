package dev.sluice.ingest.source;

import dev.sluice.embedded.PostgresServer;
import dev.sluice.ingest.IngestSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each bad setup, made for real on a throwaway PostgreSQL, gives its one sentence. Kafka is not
 * started: the source checks come first, and "Kafka unreachable" needs no broker.
 */
class SourcePreflightIT {

    private static PostgresServer postgres;

    @BeforeAll
    static void startPostgres() throws SQLException {
        postgres = PostgresServer.startThrowaway();
        try (Connection c = postgres.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.orders (id integer PRIMARY KEY, total numeric(12,2))");
            s.execute("CREATE SCHEMA sales");
            s.execute("CREATE TABLE sales.items (order_id integer, line_no integer, PRIMARY KEY (order_id, line_no))");
            s.execute("CREATE TABLE public.audit_log (at timestamptz, message text)");
            s.execute("CREATE ROLE app LOGIN");
        }
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) postgres.close();
    }

    private static IngestSettings.Builder settings() {
        return IngestSettings.builder()
                .sourceHost(postgres.host()).sourcePort(postgres.port()).database("postgres")
                .user(postgres.user()).password(postgres.password())
                .bootstrapServers("localhost:" + closedPort()).schemaRegistryUrl("http://localhost:1")
                .kafkaTimeout(Duration.ofSeconds(2));
    }

    @Test
    void unreachableSourceNamesHostPortAndDatabase() {
        int port = closedPort();
        assertThatThrownBy(() -> new SourcePreflight(settings().sourcePort(port).build()).check())
                .isInstanceOf(SourceSetupException.class)
                .hasMessageStartingWith("Cannot connect to PostgreSQL at localhost:" + port + "/postgres")
                .hasMessageContaining("check that it is running");
    }

    @Test
    void walLevelReplicaAsksForLogical() {
        try (PostgresServer replicaOnly = PostgresServer.startThrowaway(Map.of("wal_level", "replica"))) {
            IngestSettings onReplica = settings().sourcePort(replicaOnly.port()).build();
            assertThatThrownBy(() -> new SourcePreflight(onReplica).check())
                    .isInstanceOf(SourceSetupException.class)
                    .hasMessage("PostgreSQL at localhost:" + replicaOnly.port() + "/postgres has wal_level = replica;"
                            + " set wal_level = logical in postgresql.conf and restart PostgreSQL.");
        }
    }

    @Test
    void roleWithoutReplicationIsToldToAlterRole() {
        assertThatThrownBy(() -> new SourcePreflight(settings().user("app").build()).check())
                .isInstanceOf(SourceSetupException.class)
                .hasMessage("Role app may not start replication; run ALTER ROLE app WITH REPLICATION as a superuser.");
    }

    @Test
    void listedTableThatDoesNotExistIsNamed() {
        assertThatThrownBy(() -> new SourcePreflight(settings().tables("public.orders", "public.nope").build()).check())
                .isInstanceOf(SourceSetupException.class)
                .hasMessageStartingWith("Table public.nope does not exist in database postgres;");
    }

    @Test
    void listedTableWithoutPrimaryKeyIsRefused() {
        assertThatThrownBy(() -> new SourcePreflight(settings().tables("public.audit_log").build()).check())
                .isInstanceOf(SourceSetupException.class)
                .hasMessage("Table public.audit_log has no primary key; add a primary key, or leave it out of --tables"
                        + " (REPLICA IDENTITY FULL is not supported yet).");
    }

    @Test
    void slotOfAnotherPluginIsRefusedBeforeDebeziumTouchesIt() throws SQLException {
        try (Connection c = postgres.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_create_logical_replication_slot('foreign_slot', 'test_decoding')");
        }
        try {
            assertThatThrownBy(() -> new SourcePreflight(settings().slotName("foreign_slot").build()).check())
                    .isInstanceOf(SourceSetupException.class)
                    .hasMessageContaining("Replication slot foreign_slot already exists for plugin test_decoding");
        } finally {
            try (Connection c = postgres.connect("postgres"); Statement s = c.createStatement()) {
                s.execute("SELECT pg_drop_replication_slot('foreign_slot')");
            }
        }
    }

    @Test
    void publicationOwnedByAnotherRoleNamesTheOwnerAndTheFix() throws SQLException {
        try (Connection c = postgres.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE ROLE pub_owner NOLOGIN");
            s.execute("CREATE ROLE replicator LOGIN REPLICATION");
            s.execute("GRANT CREATE ON DATABASE postgres TO pub_owner");
            s.execute("CREATE PUBLICATION foreign_pub");
            s.execute("ALTER PUBLICATION foreign_pub OWNER TO pub_owner");
        }
        assertThatThrownBy(() -> new SourcePreflight(settings().user("replicator").publicationName("foreign_pub")
                .tables("public.orders").build()).check())
                .isInstanceOf(SourceSetupException.class)
                .hasMessage("Publication foreign_pub is owned by role pub_owner, so user replicator cannot change its tables;"
                        + " run ALTER PUBLICATION foreign_pub OWNER TO replicator as pub_owner or a superuser, or choose"
                        + " another publication with --publication.");
        // the superuser may alter any publication: no complaint, the next check (Kafka) speaks
        assertThatThrownBy(() -> new SourcePreflight(settings().publicationName("foreign_pub").tables("public.orders").build()).check())
                .hasMessageStartingWith("Cannot reach Kafka");
    }

    @Test
    void unreachableKafkaIsReportedAfterTheSourcePasses() {
        IngestSettings s = settings().tables("public.orders").build();
        assertThatThrownBy(() -> new SourcePreflight(s).check())
                .isInstanceOf(SourceSetupException.class)
                .hasMessageStartingWith("Cannot reach Kafka at " + s.bootstrapServers() + " within 2000 ms")
                .hasMessageContaining("check --bootstrap-servers");
    }

    @Test
    void withoutListedTablesEveryKeyedTableIsCapturedAndKeylessOnesReported() {
        ResolvedTables tables = new SourcePreflight(settings().build()).resolveTables();
        assertThat(tables.captured()).containsExactly(new TableId("public", "orders"), new TableId("sales", "items"));
        assertThat(tables.skippedWithoutKey()).containsExactly(new TableId("public", "audit_log"));
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
