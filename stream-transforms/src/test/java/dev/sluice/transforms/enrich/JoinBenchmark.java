package dev.sluice.transforms.enrich;

import dev.sluice.testkit.KafkaTestCluster;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.schemas.serde.AvroSerializer;
import dev.sluice.transforms.metrics.TransformMetrics;
import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import dev.sluice.transforms.runtime.TransformConfig;
import dev.sluice.transforms.runtime.TransformService;
import dev.sluice.transforms.state.BoundedRocksDbMemory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Prints join records/s of an {@code enrich} step for each join mode (global-table lookup, temporal lookup in a
 * versioned store, foreign-key table-table join), each run as a real Kafka Streams application (the compiled spec in
 * {@link TransformService}, exactly-once, RocksDB with bounded memory) on a KRaft broker in this JVM. The dimension
 * ({@code dims} rows) and the facts are produced first; each mode then reads both from the start under its own
 * application id, so the time covers loading the dimension (its rows are older, so Kafka Streams reads them first)
 * and joining every fact. Figures: facts per wall-clock second, and per CPU-second of the stream threads (the broker
 * shares the JVM and the machine may be shared). Not a test: run by hand,
 *
 * <pre>java -cp ... dev.sluice.transforms.enrich.JoinBenchmark [facts=300000] [dims=20000]</pre>
 */
public final class JoinBenchmark {

    private static final String FACTS = "replica.public.orders";
    private static final String DIMENSION = "replica.public.customers";

    private static final Schema KEY = new Schema.Parser().parse("""
            {"type":"record","name":"Key","namespace":"bench","fields":[{"name":"id","type":"int"}]}""");
    private static final Schema ORDER = new Schema.Parser().parse("""
            {"type":"record","name":"Order","namespace":"bench","fields":[
              {"name":"id","type":"int"},{"name":"customer_id","type":"int"},{"name":"total","type":"double"},
              {"name":"status","type":"string"},{"name":"__version","type":"long"},{"name":"__deleted","type":"boolean"}]}""");
    private static final Schema CUSTOMER = new Schema.Parser().parse("""
            {"type":"record","name":"Customer","namespace":"bench","fields":[
              {"name":"id","type":"int"},{"name":"region","type":"string"},{"name":"segment","type":"string"},
              {"name":"__version","type":"long"},{"name":"__deleted","type":"boolean"}]}""");

    public static void main(String[] args) throws Exception {
        int facts = args.length > 0 ? Integer.parseInt(args[0]) : 300_000;
        int dims = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);
        Path work = Files.createTempDirectory("join-bench");
        try (KafkaTestCluster kafka = KafkaTestCluster.start();
             EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0)) {
            kafka.createTopic(FACTS, 1);
            kafka.createTopic(DIMENSION, 1);
            produce(kafka.bootstrapServers(), registry.url(), facts, dims);
            System.out.printf("join bench: %,d facts and %,d dimension rows produced%n", facts, dims);
            for (String join : List.of("global", "temporal", "foreign-key")) {
                run(join, facts, dims, kafka.bootstrapServers(), registry.url(), work, meters);
            }
            System.out.printf("RocksDB block cache + memtables: %,d MB used of the %,d MB bound%n",
                    BoundedRocksDbMemory.usage() >> 20, BoundedRocksDbMemory.capacity() >> 20);
        }
        System.exit(0); // the broker's and registry's non-daemon threads would keep a finished benchmark alive
    }

    private static void run(String join, int facts, int dims, String bootstrap, String registryUrl, Path work,
                            SimpleMeterRegistry meters) throws InterruptedException {
        String pipeline = "join-bench-" + join;
        String yaml = """
                pipeline: %s
                source: {topics: [%s], format: row}
                steps:
                  - enrich:
                      table: %s
                      foreign-key: customer_id
                      join: %s%s
                      columns: {region: customer_region, segment: customer_segment}
                output: {topic: %s.out}
                """.formatted(pipeline, FACTS, DIMENSION, join,
                // the two repartitioned inputs are read concurrently: a fact may come before its dimension row
                join.equals("temporal") ? "\n      grace: 2s" : "", pipeline);
        Counter out = TransformMetrics.step(meters, TransformMetrics.STEP_OUT, pipeline, "enrich");
        Counter quarantined = meters.counter(TransformMetrics.QUARANTINED, "pipeline", pipeline);
        try (TransformService service = new TransformService(TransformConfig.of(bootstrap, registryUrl)
                .withPipeline(PipelineSpecParser.parse(yaml, pipeline + ".yaml"))
                .withStateDir(work.resolve(pipeline)))) {
            long start = System.nanoTime();
            service.start();
            long deadline = start + java.time.Duration.ofMinutes(15).toNanos();
            // a temporal join holds back the facts of its last grace period until stream time passes them
            long expected = join.equals("temporal") ? facts - 2_000 : facts;
            while (out.count() + quarantined.count() < expected && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double cpu = streamThreadCpuSeconds(pipeline);
            System.out.printf("join %-11s: %,d facts enriched against %,d dimension rows in %.1f s: %,.0f facts per "
                            + "wall-clock second, %,.0f per CPU-second of the stream threads (%.1f CPU s); %,d quarantined%n",
                    join, (long) out.count(), dims, seconds, out.count() / seconds, out.count() / cpu, cpu,
                    (long) quarantined.count());
        }
    }

    /** CPU time of the live stream threads of one application (their names start with its client id). */
    private static double streamThreadCpuSeconds(String pipeline) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long nanos = 0;
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().contains(pipeline) && thread.getName().contains("StreamThread")) {
                nanos += Math.max(0, threads.getThreadCpuTime(thread.getId()));
            }
        }
        return nanos / 1e9;
    }

    private static void produce(String bootstrap, String registryUrl, int facts, int dims) {
        long t0 = System.currentTimeMillis() - java.time.Duration.ofHours(1).toMillis();
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<Object, Object> producer = new KafkaProducer<>(props, serializer(registryUrl, true),
                serializer(registryUrl, false))) {
            for (int id = 1; id <= dims; id++) {
                producer.send(new ProducerRecord<>(DIMENSION, null, t0 + id, key(id), customer(id)));
            }
            for (int id = 1; id <= facts; id++) {
                int customer = 1 + (int) ((id * 2_654_435_761L) % dims);
                producer.send(new ProducerRecord<>(FACTS, null, t0 + dims + id, key(id), order(id, customer)));
            }
            producer.flush();
        }
    }

    private static AvroSerializer serializer(String registryUrl, boolean isKey) {
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of("schema.registry.url", registryUrl), isKey);
        return serializer;
    }

    private static GenericRecord key(int id) {
        GenericData.Record key = new GenericData.Record(KEY);
        key.put("id", id);
        return key;
    }

    private static GenericRecord order(int id, int customer) {
        GenericData.Record row = new GenericData.Record(ORDER);
        row.put("id", id);
        row.put("customer_id", customer);
        row.put("total", 12.5 + id % 100);
        row.put("status", "paid");
        row.put("__version", 1_000L + id);
        row.put("__deleted", false);
        return row;
    }

    private static GenericRecord customer(int id) {
        GenericData.Record row = new GenericData.Record(CUSTOMER);
        row.put("id", id);
        row.put("region", "region-" + id % 7);
        row.put("segment", "segment-" + id % 3);
        row.put("__version", (long) id);
        row.put("__deleted", false);
        return row;
    }

}
