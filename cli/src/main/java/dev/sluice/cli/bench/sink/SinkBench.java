package dev.sluice.cli.bench.sink;

import dev.sluice.cli.bench.BenchRun;
import dev.sluice.cli.bench.ProcessResources;
import dev.sluice.embedded.ConnectWorker;
import dev.sluice.embedded.LocalKafkaBroker;
import dev.sluice.embedded.PostgresServer;
import dev.sluice.schemas.kafka.RecordSizeLimit;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.sink.load.ChangeLoad;
import dev.sluice.sink.load.CpuClock;
import dev.sluice.sink.load.RowProducer;
import dev.sluice.sink.load.SinkConfigs;
import dev.sluice.sink.load.Warehouses;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sluice bench --sink}: the sink alone. Produces a {@link ChangeLoad} of Avro row-topic changes (inserts,
 * updates, soft deletes, redeliveries, each key's versions shuffled) on a fresh broker, then runs our connector into
 * PostgreSQL and into DuckDB, and with a plugin path Debezium's JDBC sink into a second PostgreSQL database, one after
 * the other on one Connect worker in this JVM, each over the whole topic. Times each from the connector's creation
 * until it has applied every record and reads the state each left.
 */
public final class SinkBench {

    static final String TOPIC = "replica.public.items";
    /** A connector that applies nothing new for this long has stopped: the bench says so instead of waiting forever. */
    private static final Duration STALL = Duration.ofMinutes(2);

    /**
     * @param comparePluginPath the worker's plugin.path holding Debezium's JDBC sink; null: ours alone
     */
    public record Settings(int records, int partitions, int tasks, Path comparePluginPath) {
        public Settings {
            atLeastOne("--records", records);
            atLeastOne("--partitions", partitions);
            atLeastOne("--tasks", tasks);
        }

        private static void atLeastOne(String option, int value) {
            if (value < 1) {
                throw new IllegalArgumentException(option + " must be at least 1, got " + value + ".");
            }
        }
    }

    private final Settings settings;
    private final Path workDir;
    private final PrintWriter out;

    /** @param workDir where the broker's log, the Connect worker's files and the DuckDB file go */
    public SinkBench(Settings settings, Path workDir, PrintWriter out) {
        this.settings = settings;
        this.workDir = workDir;
        this.out = out;
    }

    public SinkBenchReport run() throws Exception {
        double loadAtStart = ProcessResources.loadAverage();
        ChangeLoad load = new ChangeLoad(settings.records(), 1);
        try (LocalKafkaBroker kafka = BenchRun.freshBroker(workDir);
             PostgresServer pg = PostgresServer.startThrowaway();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, settings.partitions(), (short) 1))).all().get();
            double produceSeconds = produce(kafka, registry, load);
            out.printf("bench: %,d changes of %,d keys on %d partitions, produced in %.1f s%n", settings.records(),
                    load.newestVersions().size(), settings.partitions(), produceSeconds);
            out.flush();
            if (settings.comparePluginPath() != null) {
                out.printf("bench: Debezium's JDBC sink from %s (the log's error that its CloudEventsConverter cannot load"
                        + " beside Sluice's own Debezium jars is expected: that converter is not used)%n", settings.comparePluginPath());
            }
            List<SinkRun> runs = new ArrayList<>();
            try (ConnectWorker connect = ConnectWorker.start(kafka.bootstrapServers(), workDir.resolve("connect"),
                    worker())) {
                pg.createDatabase("sluice");
                String pgUrl = pg.jdbcUrl("sluice");
                runs.add(measure(connect, SinkBenchReport.SLUICE_POSTGRES, "postgres", ours(pgUrl, pg.user(), registry),
                        () -> appliedBySluice(pgUrl, pg.user(), SinkBenchReport.SLUICE_POSTGRES), pg.port(),
                        () -> WarehouseState.read(pgUrl, pg.user(), "items", load)));
                String duckUrl = "jdbc:duckdb:" + workDir.resolve("bench.duckdb");
                runs.add(measure(connect, SinkBenchReport.SLUICE_DUCKDB, "duckdb", ours(duckUrl, null, registry),
                        () -> appliedBySluice(duckUrl, null, SinkBenchReport.SLUICE_DUCKDB), -1,
                        () -> WarehouseState.read(duckUrl, null, "items", load)));
                if (settings.comparePluginPath() != null) {
                    pg.createDatabase("debezium");
                    String url = pg.jdbcUrl("debezium");
                    runs.add(measure(connect, SinkBenchReport.DEBEZIUM_POSTGRES, "postgres",
                            DebeziumJdbcSink.config(url, pg.user(), pg.password(), registry.url(), TOPIC, settings.tasks()),
                            () -> committedOffsets(admin, "connect-" + SinkBenchReport.DEBEZIUM_POSTGRES), pg.port(),
                            () -> stateOfOnlyTable(url, pg.user(), load)));
                }
            }
            return new SinkBenchReport(settings.records(), load.newestVersions().size(), settings.partitions(),
                    settings.tasks(), produceSeconds, runs, loadAtStart, ProcessResources.loadAverage());
        }
    }

    private double produce(LocalKafkaBroker kafka, EmbeddedSchemaRegistry registry, ChangeLoad load) {
        long started = System.nanoTime();
        try (RowProducer producer = new RowProducer(kafka.bootstrapServers(), registry.url())) {
            for (ChangeLoad.Change c : load.changes()) {
                producer.send(TOPIC, ChangeLoad.KEY, c.key(), ChangeLoad.VALUE, c.value());
            }
            producer.flush();
        }
        return (System.nanoTime() - started) / 1e9;
    }

    /** As the sink benchmark always ran: the worker commits offsets once a second; with a competitor, its plugin.path. */
    private Map<String, String> worker() {
        Map<String, String> worker = new HashMap<>(RecordSizeLimit.DEFAULT.connectWorker());
        worker.put("offset.flush.interval.ms", "1000");
        if (settings.comparePluginPath() != null) {
            // its archive lists the connector in META-INF/services, so the default manifest-only discovery finds it
            worker.put("plugin.path", settings.comparePluginPath().toString());
        }
        return worker;
    }

    private Map<String, String> ours(String url, String user, EmbeddedSchemaRegistry registry) {
        Map<String, String> config = SinkConfigs.avro(url, user, registry.url(), TOPIC, settings.tasks());
        config.put("consumer.override.max.poll.records", "5000");
        return config;
    }

    @FunctionalInterface
    private interface Reading<T> {
        T read() throws Exception;
    }

    /** Runs one connector until it has applied every record, then deletes it; CPU is the difference over its run. */
    private SinkRun measure(ConnectWorker connect, String name, String warehouse, Map<String, String> config,
                            Reading<Long> applied, int pgPort, Reading<WarehouseState> state) throws Exception {
        out.printf("bench: running %s ...%n", name);
        out.flush();
        CpuClock cpu = new CpuClock();
        double jvmBefore = cpu.process();
        double taskBefore = cpu.taskThreads();
        double pgBefore = pgPort < 0 ? Double.NaN : cpu.postgres(pgPort);
        long started = System.nanoTime();
        connect.createConnector(name, config);
        awaitApplied(connect, name, applied);
        double seconds = (System.nanoTime() - started) / 1e9;
        double jvm = cpu.process() - jvmBefore;
        double tasks = cpu.taskThreads() - taskBefore; // one connector runs at a time
        double pgCpu = pgPort < 0 ? Double.NaN : cpu.postgres(pgPort) - pgBefore;
        connect.deleteConnector(name);
        return new SinkRun(name, config.get("connector.class"), warehouse, settings.records(), seconds, jvm, tasks, pgCpu,
                state.read());
    }

    private void awaitApplied(ConnectWorker connect, String name, Reading<Long> applied) throws Exception {
        long last = -1;
        long lastMoved = System.nanoTime();
        while (true) {
            long now = applied.read();
            if (now >= settings.records()) {
                return;
            }
            if (now != last) {
                last = now;
                lastMoved = System.nanoTime();
            } else if (System.nanoTime() - lastMoved > STALL.toNanos()) {
                throw new IllegalStateException(String.format("connector %s applied %,d of %,d records and then nothing for %d"
                        + " minutes; its state: %s", name, now, settings.records(), STALL.toMinutes(), state(connect, name)));
            }
            failedTask(connect, name);
            Thread.sleep(100); // the rate's resolution; a bench polling for completion, not a test
        }
    }

    private static void failedTask(ConnectWorker connect, String name) {
        ConnectorStateInfo status = connect.connectorStatus(name);
        for (ConnectorStateInfo.TaskState task : status.tasks()) {
            if ("FAILED".equals(task.state())) {
                throw new IllegalStateException("task " + task.id() + " of connector " + name + " failed: " + task.trace());
            }
        }
    }

    private static String state(ConnectWorker connect, String name) {
        ConnectorStateInfo status = connect.connectorStatus(name);
        return status.connector().state() + ", tasks " + status.tasks().stream().map(ConnectorStateInfo.TaskState::state).toList();
    }

    /** Records our sink has committed with its rows: the sum of the next offsets it stored for this connector. */
    private static long appliedBySluice(String url, String user, String connector) {
        try {
            return Long.parseLong(Warehouses.query(url, user, "SELECT COALESCE(SUM(\"next_offset\"), 0) FROM \"_sluice_offsets\""
                    + " WHERE \"connector\" = '" + connector + "'").get(0));
        } catch (SQLException e) {
            return 0; // the table does not exist yet
        }
    }

    /** Records another sink has finished: the offsets its consumer group committed (the worker commits after a flush). */
    private static long committedOffsets(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                .mapToLong(o -> o == null ? 0 : o.offset()).sum();
    }

    /** The table another sink named after the topic by rules of its own: the one table of the database's public schema. */
    private static WarehouseState stateOfOnlyTable(String url, String user, ChangeLoad load) throws SQLException {
        List<String> tables = Warehouses.query(url, user,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'");
        if (tables.isEmpty()) {
            return WarehouseState.noTable(load);
        }
        if (tables.size() > 1) {
            throw new IllegalStateException("the compared sink wrote " + tables.size() + " tables, expected one: " + tables);
        }
        return WarehouseState.read(url, user, tables.get(0), load);
    }
}
