package dev.sluice.sink.bench;

import dev.sluice.embedded.ConnectWorker;
import dev.sluice.testkit.KafkaTestCluster;
import dev.sluice.embedded.PostgresServer;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.sink.load.ChangeLoad;
import dev.sluice.sink.load.RowProducer;
import dev.sluice.sink.load.SinkConfigs;
import dev.sluice.sink.load.Warehouses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Prints how fast the sink loads one topic of Avro row-topic changes (mixed inserts, updates and soft deletes,
 * duplicates, each key's versions shuffled) into PostgreSQL and into DuckDB, on a real broker and Connect worker in
 * this JVM. A program, not a test: run it by hand (see the module README) and read the figures.
 *
 * <p>Arguments: {@code [records=1000000] [partitions=10] [tasks=1] [batch.size=10000]}. Optional competitor:
 * {@code -Dcompare.plugin.path=<dir>} and {@code -Dcompare.connector.class=<class>} run another sink connector (as a
 * Connect plugin) over the same topic into a second PostgreSQL database, with the settings given as
 * {@code -Dcompare.config=key=value,key=value}.
 */
public final class SinkBenchmark {
    private static final String TOPIC = "replica.public.items";

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int tasks = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        String batchSize = args.length > 3 ? args[3] : "10000";
        Path dir = Files.createTempDirectory("sluice-sink-bench");
        String pluginPath = System.getProperty("compare.plugin.path");
        List<String> report = new ArrayList<>();

        try (KafkaTestCluster kafka = KafkaTestCluster.start();
             PostgresServer pg = PostgresServer.startThrowaway();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
             RowProducer producer = new RowProducer(kafka.bootstrapServers(), registry.url())) {
            kafka.createTopic(TOPIC, partitions);
            ChangeLoad load = new ChangeLoad(records, 1);
            long started = System.nanoTime();
            for (ChangeLoad.Change c : load.changes()) {
                producer.send(TOPIC, ChangeLoad.KEY, c.key(), ChangeLoad.VALUE, c.value());
            }
            producer.flush();
            report.add(String.format("produced %,d Avro records on %d partitions in %.1f s (%,d keys)", records, partitions,
                    seconds(started), load.expected().size()));

            Map<String, String> worker = pluginPath == null ? Map.of("offset.flush.interval.ms", "1000")
                    : Map.of("offset.flush.interval.ms", "1000", "plugin.path", pluginPath, "plugin.discovery", "hybrid_warn");
            try (ConnectWorker connect = ConnectWorker.start(kafka.bootstrapServers(), dir.resolve("connect"), worker)) {
                pg.createDatabase("sluice");
                Map<String, String> pgConfig = SinkConfigs.avro(pg.jdbcUrl("sluice"), pg.user(), registry.url(), TOPIC, tasks);
                pgConfig.put("batch.size", batchSize);
                pgConfig.put("consumer.override.max.poll.records", "5000");
                double pgRate = run(connect, "sluice-pg", pgConfig, records, () -> sluiceApplied(pg.jdbcUrl("sluice"), pg.user(),
                        "sluice-pg"), pg.port(), report);
                check(pg.jdbcUrl("sluice"), pg.user(), load, report);

                String duckUrl = "jdbc:duckdb:" + dir.resolve("bench.duckdb");
                Map<String, String> duckConfig = SinkConfigs.avro(duckUrl, null, registry.url(), TOPIC, tasks);
                duckConfig.put("batch.size", batchSize);
                duckConfig.put("consumer.override.max.poll.records", "5000");
                run(connect, "sluice-duckdb", duckConfig, records, () -> sluiceApplied(duckUrl, null, "sluice-duckdb"), -1, report);
                check(duckUrl, null, load, report);

                if (pluginPath != null) {
                    pg.createDatabase("other");
                    Map<String, String> other = SinkConfigs.avro(pg.jdbcUrl("other"), pg.user(), registry.url(), TOPIC, tasks);
                    other.put("connector.class", System.getProperty("compare.connector.class"));
                    other.remove("connection.url");
                    for (String kv : System.getProperty("compare.config", "").split(",")) {
                        if (kv.contains("=")) {
                            other.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1)
                                    .replace("${url}", pg.jdbcUrl("other")).replace("${user}", pg.user()));
                        }
                    }
                    other.put("consumer.override.max.poll.records", "5000");
                    double otherRate = run(connect, "other-pg", other, records, () -> committedByConsumerGroup(kafka, "connect-other-pg"),
                            pg.port(), report);
                    for (String table : Warehouses.query(pg.jdbcUrl("other"), pg.user(), "SELECT table_name FROM "
                            + "information_schema.tables WHERE table_schema = 'public'")) {
                        String quoted = "\"" + table.replace("\"", "\"\"") + "\"";
                        report.add("  other wrote table " + table + ": " + Warehouses.query(pg.jdbcUrl("other"), pg.user(),
                                "SELECT count(*) FROM " + quoted).get(0) + " rows");
                        try {
                            // without a version guard, a key's older version delivered after a newer one wins
                            List<String> rows = ChangeLoad.normalize(Warehouses.query(pg.jdbcUrl("other"), pg.user(),
                                    ChangeLoad.ROWS.replace("\"items\"", quoted)));
                            java.util.Set<String> expected = new java.util.HashSet<>(load.expected());
                            report.add("  other: rows that differ from the expected state: "
                                    + rows.stream().filter(r -> !expected.contains(r)).count());
                        } catch (java.sql.SQLException | RuntimeException e) {
                            report.add("  other: could not compare with the expected state: " + e.getMessage());
                        }
                    }
                    report.add(String.format("ratio sluice/other into PostgreSQL: %.2f", pgRate / otherRate));
                }
            }
        }
        System.out.println();
        report.forEach(line -> System.out.println("BENCH " + line));
        System.exit(0);
    }

    @FunctionalInterface
    private interface Progress {
        long applied() throws Exception;
    }

    /** Runs one connector to completion and reports its wall-clock rate and CPU seconds; {@code pgPort} < 0: no PostgreSQL. */
    private static double run(ConnectWorker connect, String name, Map<String, String> config, long records, Progress progress,
                              int pgPort, List<String> report) throws Exception {
        CpuClock cpu = new CpuClock();
        double processCpuBefore = cpu.process();
        double pgCpuBefore = pgPort < 0 ? 0 : cpu.postgres(pgPort);
        double taskCpuBefore = cpu.taskThreads();
        long started = System.nanoTime();
        connect.createConnector(name, config);
        long firstSeen = 0;
        long applied;
        while ((applied = progress.applied()) < records) {
            if (applied > 0 && firstSeen == 0) {
                firstSeen = System.nanoTime();
            }
            Thread.sleep(100); // a program polling for completion, not a test
        }
        double total = seconds(started);
        double processCpu = cpu.process() - processCpuBefore;
        double taskCpu = cpu.taskThreads() - taskCpuBefore; // one connector runs at a time
        double pgCpu = pgPort < 0 ? 0 : cpu.postgres(pgPort) - pgCpuBefore;
        double rate = records / total;
        report.add(String.format("%-14s %,d records in %.1f s: %,.0f records/s (from connector creation; %s)", name, records,
                total, rate, config.get("tasks.max") + " task(s)"));
        report.add(String.format("  CPU s: JVM %.1f (task threads %.1f), PostgreSQL %.1f; records per CPU-second: %,.0f "
                        + "(JVM + PostgreSQL), %,.0f (task threads)", processCpu, taskCpu, pgCpu, records / (processCpu + pgCpu),
                records / taskCpu));
        connect.deleteConnector(name);
        return rate;
    }

    private static long sluiceApplied(String url, String user, String connector) throws Exception {
        try {
            return Long.parseLong(Warehouses.query(url, user, "SELECT COALESCE(SUM(\"next_offset\"), 0) FROM \"_sluice_offsets\" "
                    + "WHERE \"connector\" = '" + connector + "'").get(0));
        } catch (java.sql.SQLException e) {
            return 0; // the table does not exist yet
        }
    }

    private static long committedByConsumerGroup(KafkaTestCluster kafka, String group) throws Exception {
        return kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                .mapToLong(o -> o == null ? 0 : o.offset()).sum();
    }

    private static void check(String url, String user, ChangeLoad load, List<String> report) throws Exception {
        boolean equal = ChangeLoad.normalize(Warehouses.query(url, user, ChangeLoad.ROWS)).equals(load.expected());
        report.add("  warehouse equals the expected state: " + equal);
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
