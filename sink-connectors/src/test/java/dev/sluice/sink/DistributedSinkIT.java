package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.KafkaTestCluster;
import dev.sluice.embedded.PostgresServer;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.sink.load.ChangeLoad;
import dev.sluice.sink.load.DistributedConnectWorker;
import dev.sluice.sink.load.RowProducer;
import dev.sluice.sink.load.SinkConfigs;
import dev.sluice.sink.load.Warehouses;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distributed Connect cluster of two workers loads 100,000 changes (duplicates included, each key's versions
 * shuffled) into PostgreSQL with two tasks; one worker stops in the middle and its task moves to the other. The
 * warehouse then equals the newest version of every key and {@code _sluice_offsets} the topic's end. Afterwards the
 * remaining worker runs a DuckDB connector with four tasks in one worker over the same 100,000 changes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedSinkIT {
    static final String TOPIC = "replica.public.items";
    static final int CHANGES = 100_000;

    @TempDir
    static Path dir;
    static KafkaTestCluster kafka;
    static EmbeddedSchemaRegistry registry;
    static PostgresServer pg;
    static RowProducer producer;
    static DistributedConnectWorker first;
    static DistributedConnectWorker second;
    static final ChangeLoad load = new ChangeLoad(CHANGES, 2024);

    @BeforeAll
    static void start() {
        kafka = KafkaTestCluster.start();
        kafka.createTopic(TOPIC, 4);
        pg = PostgresServer.startThrowaway();
        pg.createDatabase("warehouse");
        registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
        producer = new RowProducer(kafka.bootstrapServers(), registry.url());
        first = DistributedConnectWorker.start(kafka.bootstrapServers(), "sluice-connect", Map.of());
        second = DistributedConnectWorker.start(kafka.bootstrapServers(), "sluice-connect", Map.of());
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {producer, second, first, registry, pg, kafka}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // keep closing the rest
            }
        }
    }

    @Test
    @Order(1)
    void twoWorkersWithARebalanceInTheMiddleLeavePostgresEqualToTheSource() throws Exception {
        List<ChangeLoad.Change> changes = load.changes();
        send(changes.subList(0, CHANGES / 2));
        Map<String, String> config = SinkConfigs.avro(pg.jdbcUrl("warehouse"), pg.user(), registry.url(), TOPIC, 2);
        config.put("batch.size", "2000"); // many small transactions, so the rebalance lands between them
        first.putConnector("sink-pg", config);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                assertThat(taskWorkers("sink-pg")).containsExactlyInAnyOrder(first.workerId(), second.workerId()));
        // both tasks (two partitions each) have committed batches before one of their workers goes
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> Warehouses.query(pg.jdbcUrl("warehouse"), pg.user(),
                "SELECT \"partition\" FROM \"_sluice_offsets\" WHERE \"connector\" = 'sink-pg'").size() == 4);

        second.close(); // mid-load: its task moves to the first worker
        second = null;
        send(changes.subList(CHANGES / 2, CHANGES));

        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() ->
                assertThat(taskWorkers("sink-pg")).containsOnly(first.workerId()));
        assertLoaded(pg.jdbcUrl("warehouse"), "sink-pg");
    }

    @Test
    @Order(2)
    void severalTasksInOneWorkerShareOneDuckDbFile() throws Exception {
        String url = "jdbc:duckdb:" + dir.resolve("warehouse.duckdb");
        first.putConnector("sink-duckdb", SinkConfigs.avro(url, null, registry.url(), TOPIC, 4));
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            ConnectorStateInfo status = first.status("sink-duckdb");
            assertThat(status.tasks()).hasSize(4).allSatisfy(t -> assertThat(t.state()).isEqualTo("RUNNING"));
        });
        assertLoaded(url, "sink-duckdb");
    }

    private static void assertLoaded(String url, String connector) {
        long end = producer.endOffsets().values().stream().mapToLong(Long::longValue).sum();
        assertThat(end).isEqualTo(CHANGES);
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
            assertThat(applied(url, connector)).isEqualTo(end);
            assertThat(ChangeLoad.normalize(Warehouses.query(url, pg.user(), ChangeLoad.ROWS)))
                    .containsExactlyElementsOf(load.expected());
        });
        assertThat(first.status(connector).tasks()).allSatisfy(t -> assertThat(t.state()).isEqualTo("RUNNING"));
    }

    private static void send(List<ChangeLoad.Change> changes) {
        changes.forEach(c -> producer.send(TOPIC, ChangeLoad.KEY, c.key(), ChangeLoad.VALUE, c.value()));
        producer.flush();
    }

    private static Set<String> taskWorkers(String connector) {
        ConnectorStateInfo status = first.status(connector);
        assertThat(status.tasks()).hasSize(2).allSatisfy(t -> assertThat(t.state()).isEqualTo("RUNNING"));
        return status.tasks().stream().map(ConnectorStateInfo.TaskState::workerId).collect(Collectors.toSet());
    }

    private static long applied(String url, String connector) throws Exception {
        return Long.parseLong(Warehouses.query(url, pg.user(), "SELECT COALESCE(SUM(\"next_offset\"), 0) FROM \"_sluice_offsets\" "
                + "WHERE \"connector\" = '" + connector + "'").get(0));
    }
}
