package dev.sluice.ingest.slot;

import dev.sluice.embedded.PostgresServer;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.source.SourceSetupException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.PGReplicationStream;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The capture lease on a real PostgreSQL: a second holder waits as standby until the first lets go, then also waits
 * for the slot's consumer to leave it, and a holder whose session ends knows it lost the lease.
 */
class CaptureLeaseIT {

    private static final Duration RETRY = Duration.ofMillis(100);

    private static PostgresServer postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.startThrowaway();
        postgres.createDatabase("lease");
        try (Connection c = postgres.connect("lease"); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id int PRIMARY KEY)");
            s.execute("CREATE PUBLICATION lease_pub FOR ALL TABLES");
        }
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static IngestSettings settings(String slot) {
        return IngestSettings.builder()
                .sourceHost(postgres.host()).sourcePort(postgres.port()).database("lease")
                .user(postgres.user()).password(postgres.password())
                .slotName(slot).publicationName("lease_pub").topicPrefix("lease")
                .bootstrapServers("unused:9092").schemaRegistryUrl("http://unused:8081")
                .build();
    }

    private static CompletableFuture<CaptureLease> acquireInBackground(IngestSettings settings, List<String> said) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return CaptureLease.acquire(settings, RETRY, said::add);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aSecondProcessIsStandbyUntilTheHolderLetsGo() throws Exception {
        List<String> first = new CopyOnWriteArrayList<>();
        CaptureLease active = CaptureLease.acquire(settings("one"), RETRY, first::add);
        assertThat(first).singleElement().asString().contains("holds the capture lease of slot one").endsWith("capturing");

        List<String> second = new CopyOnWriteArrayList<>();
        CompletableFuture<CaptureLease> standby = acquireInBackground(settings("one"), second);
        await().atMost(Duration.ofSeconds(30)).until(() -> !second.isEmpty());
        assertThat(second.get(0)).contains("is standby").contains("slot one");
        Thread.sleep(20 * RETRY.toMillis()); // twenty retries: still refused while the holder holds
        assertThat(standby).isNotDone();

        // another slot's lease is independent
        try (CaptureLease other = CaptureLease.acquire(settings("two"), RETRY, s -> { })) {
            assertThat(other.held()).isTrue();
        }

        active.close();
        CaptureLease taken = standby.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(second).last().asString().endsWith("capturing");
        assertThat(active.held()).isFalse();
        taken.close();
    }

    @Test
    void theNewHolderWaitsUntilTheSlotsConsumerLeaves() throws Exception {
        try (Connection c = postgres.connect("lease"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_create_logical_replication_slot('busy', 'pgoutput')");
        }
        Properties props = new Properties();
        PGProperty.USER.set(props, postgres.user());
        PGProperty.PASSWORD.set(props, postgres.password());
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        List<String> said = new CopyOnWriteArrayList<>();
        CompletableFuture<CaptureLease> lease;
        try (Connection replication = DriverManager.getConnection(postgres.jdbcUrl("lease"), props);
             PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
                     .logical().withSlotName("busy")
                     .withSlotOption("proto_version", 1).withSlotOption("publication_names", "lease_pub").start()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> slotActive("busy"));
            lease = acquireInBackground(settings("busy"), said);
            await().atMost(Duration.ofSeconds(30)).until(() -> !said.isEmpty());
            assertThat(said.get(0)).contains("waiting until its previous consumer");
            Thread.sleep(20 * RETRY.toMillis());
            assertThat(lease).isNotDone();
        }
        CaptureLease taken = lease.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(said).last().asString().endsWith("capturing");
        assertThat(slotActive("busy")).isFalse();
        taken.close();
    }

    @Test
    void aHolderWhoseSessionEndsKnowsItLostTheLease() throws Exception {
        CaptureLease lease = CaptureLease.acquire(settings("lost"), RETRY, s -> { });
        assertThat(lease.held()).isTrue();
        try (Connection c = postgres.connect("lease"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'sluice-ingest-lease'");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !lease.held());
        // and the lease is free for the next process
        try (CaptureLease next = CaptureLease.acquire(settings("lost"), RETRY, s -> { })) {
            assertThat(next.held()).isTrue();
        }
        lease.close();
    }

    @Test
    void anUnreachableSourceAtTheStartStopsWithTheSentenceNotARetryLoop() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        IngestSettings nowhere = IngestSettings.builder()
                .sourceHost("127.0.0.1").sourcePort(closedPort).database("lease")
                .user(postgres.user()).password(postgres.password())
                .slotName("nowhere").publicationName("lease_pub").topicPrefix("lease")
                .bootstrapServers("unused:9092").schemaRegistryUrl("http://unused:8081")
                .build();
        assertThatThrownBy(() -> CaptureLease.acquire(nowhere, RETRY, s -> { }))
                .isInstanceOf(SourceSetupException.class).hasMessageContaining("127.0.0.1:" + closedPort);
    }

    private static boolean slotActive(String slot) throws Exception {
        try (Connection c = postgres.connect("lease"); Statement s = c.createStatement();
             var rs = s.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
