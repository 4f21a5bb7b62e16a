package dev.sluice.sink.bench;

import dev.sluice.embedded.PostgresServer;
import dev.sluice.sink.WarehouseSinkTask;
import dev.sluice.sink.load.ChangeLoad;
import dev.sluice.sink.load.CpuClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * Prints the sink task's own rows/s, without Kafka, the worker or a converter: pre-built Connect records are handed
 * to {@link WarehouseSinkTask#put} in polls of 5,000 and committed as the worker would. Separates the sink's cost
 * from the consumer's and the Avro converter's. Arguments: {@code [records=1000000] [partitions=10] [batch.size=10000]}.
 */
public final class TaskOnlyBenchmark {
    private static final String TOPIC = "replica.public.items";

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        int partitions = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String batchSize = args.length > 2 ? args[2] : "10000";
        ChangeLoad load = new ChangeLoad(records, 1);
        List<SinkRecord> sinkRecords = new ArrayList<>(records);
        long[] offsets = new long[partitions];
        for (ChangeLoad.Change c : load.changes()) {
            int p = Math.floorMod(Integer.hashCode(c.id()), partitions);
            sinkRecords.add(new SinkRecord(TOPIC, p, ChangeLoad.KEY, c.key(), ChangeLoad.VALUE, c.value(), offsets[p]++));
        }
        Path dir = Files.createTempDirectory("sluice-task-bench");
        try (PostgresServer pg = PostgresServer.startThrowaway()) {
            pg.createDatabase("w");
            run("postgresql", pg.jdbcUrl("w"), pg.user(), batchSize, partitions, sinkRecords);
            run("duckdb", "jdbc:duckdb:" + dir.resolve("w.duckdb"), null, batchSize, partitions, sinkRecords);
        }
        System.exit(0);
    }

    private static void run(String name, String url, String user, String batchSize, int partitions, List<SinkRecord> records) {
        Map<String, String> props = new HashMap<>(Map.of("name", "bench-" + name, "connection.url", url, "batch.size", batchSize));
        if (user != null) {
            props.put("connection.user", user);
        }
        WarehouseSinkTask task = new WarehouseSinkTask();
        task.initialize(new Context(props));
        task.start(props);
        List<TopicPartition> owned = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            owned.add(new TopicPartition(TOPIC, p));
        }
        task.open(owned);
        Map<TopicPartition, OffsetAndMetadata> current = new HashMap<>();
        owned.forEach(tp -> current.put(tp, new OffsetAndMetadata(0)));
        CpuClock cpu = new CpuClock();
        double processCpuBefore = cpu.process();
        String thread = Thread.currentThread().getName(); // the task's writer thread is named after it
        double threadCpuBefore = cpu.threadsNamed(thread);
        long started = System.nanoTime();
        long lastCommit = started;
        for (int i = 0; i < records.size(); i += 5_000) {
            task.put(records.subList(i, Math.min(records.size(), i + 5_000)));
            if (System.nanoTime() - lastCommit > 1_000_000_000L) { // offset.flush.interval.ms = 1000
                task.preCommit(current);
                lastCommit = System.nanoTime();
            }
        }
        task.preCommit(current);
        double seconds = (System.nanoTime() - started) / 1e9;
        double threadCpu = cpu.threadsNamed(thread) - threadCpuBefore;
        double processCpu = cpu.process() - processCpuBefore;
        task.stop();
        System.out.printf("BENCH task only into %-10s %,d records in %.1f s: %,.0f records/s; CPU s: task threads %.1f (%,.0f records "
                + "per CPU-second), JVM %.1f%n", name, records.size(), seconds, records.size() / seconds, threadCpu,
                records.size() / threadCpu, processCpu);
    }

    /** What the worker would give the task; nothing is reported or sought here. */
    private record Context(Map<String, String> configs) implements SinkTaskContext {
        @Override public void offset(Map<TopicPartition, Long> offsets) { }
        @Override public void offset(TopicPartition tp, long offset) { }
        @Override public void timeout(long timeoutMs) { }
        @Override public Set<TopicPartition> assignment() { return Set.of(); }
        @Override public void pause(TopicPartition... partitions) { }
        @Override public void resume(TopicPartition... partitions) { }
        @Override public void requestCommit() { }
        @Override public PluginMetrics pluginMetrics() { return null; }
        @Override public ErrantRecordReporter errantRecordReporter() {
            return (record, error) -> CompletableFuture.completedFuture(null);
        }
    }
}
