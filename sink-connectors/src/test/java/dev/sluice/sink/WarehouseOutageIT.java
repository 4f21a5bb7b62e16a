package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.embedded.ConnectWorker;
import dev.sluice.testkit.KafkaTestCluster;
import dev.sluice.embedded.PortCheck;
import dev.sluice.embedded.PostgresServer;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.sink.load.ChangeLoad;
import dev.sluice.sink.load.RowProducer;
import dev.sluice.sink.load.SinkConfigs;
import dev.sluice.sink.load.Warehouses;
import dev.sluice.sink.metrics.SinkMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warehouse PostgreSQL stops in the middle of a load and comes back on the same data directory and port: the
 * task retries with backoff, stays RUNNING, and afterwards the warehouse equals the expected state with nothing lost.
 * The outage lasts several seconds here (eight failed retries, then the restart, which may take longer on a loaded
 * machine); the default retry budget (max.retries=10, retry.backoff.ms=1000 doubling up to retry.backoff.max.ms=30000)
 * outlives about three minutes.
 */
class WarehouseOutageIT {
    static final String TOPIC = "replica.public.items";

    @TempDir
    static Path dir;
    static KafkaTestCluster kafka;
    static EmbeddedSchemaRegistry registry;
    static ConnectWorker connect;
    static RowProducer producer;
    static PostgresServer pg;
    static int port;
    static final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void start() {
        Metrics.addRegistry(meters);
        kafka = KafkaTestCluster.start();
        kafka.createTopic(TOPIC, 3);
        port = PortCheck.freePort();
        pg = PostgresServer.startPersistent(dir.resolve("pgdata"), port);
        pg.createDatabase("warehouse");
        registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
        connect = ConnectWorker.start(kafka.bootstrapServers(), dir.resolve("connect"), Map.of("offset.flush.interval.ms", "300"));
        producer = new RowProducer(kafka.bootstrapServers(), registry.url());
    }

    @AfterAll
    static void stop() {
        Metrics.removeRegistry(meters);
        for (AutoCloseable c : new AutoCloseable[] {producer, connect, registry, pg, kafka}) {
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
    void aStoppedDatabaseIsRetriedWhileTheTaskStaysRunningAndNothingIsLost() throws Exception {
        ChangeLoad load = new ChangeLoad(30_000, 42);
        List<ChangeLoad.Change> changes = load.changes();
        int third = changes.size() / 3;
        send(changes.subList(0, third));
        Map<String, String> config = SinkConfigs.avro(pg.jdbcUrl("warehouse"), pg.user(), registry.url(), TOPIC, 1);
        config.put("max.retries", "100");
        config.put("retry.backoff.ms", "100");
        config.put("retry.backoff.max.ms", "1000"); // notice the returning database within a second
        connect.createConnector("sink", config);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> appliedRecords() > 0);

        pg.close(); // the database goes away mid-load
        double retriesBefore = retries();
        send(changes.subList(third, 2 * third));
        // eight failed retries backing off 100, 200, 400, 800, then 1,000 ms each: the outage spans
        // several seconds of the task's retrying, counted rather than timed
        await().atMost(Duration.ofSeconds(60)).until(() -> retries() >= retriesBefore + 8);
        assertRunning();

        pg = PostgresServer.startPersistent(dir.resolve("pgdata"), port); // same data, same port
        send(changes.subList(2 * third, changes.size()));

        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().untilAsserted(() -> {
            assertThat(ChangeLoad.normalize(query(ChangeLoad.ROWS))).containsExactlyElementsOf(load.expected());
            assertThat(appliedRecords()).isEqualTo(producer.endOffsets().values().stream().mapToLong(Long::longValue).sum());
        });
        assertRunning();
    }

    private static void send(List<ChangeLoad.Change> changes) {
        changes.forEach(c -> producer.send(TOPIC, ChangeLoad.KEY, c.key(), ChangeLoad.VALUE, c.value()));
        producer.flush();
    }

    private static long appliedRecords() throws Exception {
        List<String> rows = query("SELECT COALESCE(SUM(\"next_offset\"), 0) FROM \"_sluice_offsets\" WHERE \"connector\" = 'sink'");
        return Long.parseLong(rows.get(0));
    }

    private static double retries() {
        return Metrics.globalRegistry.find(SinkMetrics.WRITE_RETRIES).counters().stream().mapToDouble(Counter::count).sum();
    }

    private static void assertRunning() {
        ConnectorStateInfo status = connect.connectorStatus("sink");
        assertThat(status.connector().state()).isEqualTo("RUNNING");
        assertThat(status.tasks()).singleElement().satisfies(t -> assertThat(t.state()).as(t.trace()).isEqualTo("RUNNING"));
    }

    private static List<String> query(String sql) throws Exception {
        return Warehouses.query(pg.jdbcUrl("warehouse"), pg.user(), sql);
    }
}
