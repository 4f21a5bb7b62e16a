package dev.sluice.transforms.dedupe;

import dev.sluice.transforms.metrics.TransformMetrics;
import dev.sluice.transforms.state.BoundedRocksDbMemory;
import dev.sluice.transforms.testkit.Envelopes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.InternalFixedKeyRecordFactory;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Prints what one stream thread does per second in the windowed dedupe: Avro decode of key and envelope,
 * event id, RocksDB window-store lookup and insert (real store, bounded memory through
 * {@link BoundedRocksDbMemory}), Avro encode of what passes. Left out: the consumer, the producer, the
 * changelog writes and commits that a real task adds. Every {@code dupEvery}-th record is a redelivered copy.
 * Throughput is given per CPU-second of the thread (the machine may be shared) and per wall-clock second.
 * Not a test: run by hand,
 *
 * <pre>java -cp ... dev.sluice.transforms.dedupe.DedupeBenchmark [distinctIds=10000000] [dupEvery=10]</pre>
 */
public final class DedupeBenchmark {

    private static final long T0 = 1_700_000_000_000L;
    private static final String TOPIC = "sluice.public.orders";

    public static void main(String[] args) throws IOException {
        long ids = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        int dupEvery = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Envelopes orders = Envelopes.forTable("public", "orders");
        TransformMetrics metrics = TransformMetrics.of(new SimpleMeterRegistry(), "bench");
        // a window longer than the run: every id stays in the store, the worst case for memory
        DedupeWindow window = new DedupeWindow(Duration.ofDays(1), Duration.ofMinutes(10));

        Path stateDir = Files.createTempDirectory("dedupe-bench");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dedupe-bench");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        MockProcessorContext<Object, Object> mock = new MockProcessorContext<>(props,
                new org.apache.kafka.streams.processor.TaskId(0, 0), stateDir.toFile());
        WindowStore<Bytes, byte[]> store = Stores.windowStoreBuilder(
                        Stores.persistentWindowStore("dedupe-window", window.retention(), window.window(), false),
                        Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(mock.getStateStoreContext(), store);

        Codec keys = new Codec(orders.keySchema);
        Codec values = new Codec(orders.envelopeSchema);
        long[] streamTime = {Long.MIN_VALUE};
        long[] passed = {0};
        RecordMetadata metadata = new Metadata();
        @SuppressWarnings("unchecked")
        FixedKeyProcessorContext<GenericRecord, GenericRecord> context = (FixedKeyProcessorContext<GenericRecord,
                GenericRecord>) Proxy.newProxyInstance(DedupeBenchmark.class.getClassLoader(),
                new Class<?>[] {FixedKeyProcessorContext.class}, (proxy, method, methodArgs) -> switch (method.getName()) {
                    case "getStateStore" -> store;
                    case "currentStreamTimeMs" -> streamTime[0];
                    case "recordMetadata" -> Optional.of(metadata);
                    case "forward" -> {
                        values.encode(((FixedKeyRecord<?, GenericRecord>) methodArgs[0]).value());
                        passed[0]++;
                        yield null;
                    }
                    default -> throw new UnsupportedOperationException(method.getName());
                });
        WindowedDedupeProcessor<GenericRecord> dedupe = new WindowedDedupeProcessor<>("dedupe-window", window,
                new ChangeEventId(), metrics.duplicates(), metrics.late());
        dedupe.init(context);

        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuNanos = 0;
        long wallNanos = 0;
        long processed = 0;
        int batchSize = 50_000;
        byte[][] batchKeys = new byte[batchSize + batchSize / dupEvery + 1][];
        byte[][] batchValues = new byte[batchKeys.length][];
        long[] batchTs = new long[batchKeys.length];
        long next = 0;
        long reportEvery = Math.max(ids / 5, 1);
        while (next < ids) {
            int n = 0;
            // encode a batch untimed: the timed part is what the stream thread does with consumed bytes
            for (int i = 0; i < batchSize && next < ids; i++, next++) {
                int id = (int) (next % 1_000_000) + 1;
                long ts = T0 + next / 10;
                batchKeys[n] = keys.encode(orders.key(id));
                batchValues[n] = values.encode(orders.insert(id, "12.50", 1_000L + next, ts));
                batchTs[n++] = ts;
                if (next % dupEvery == 0) {
                    batchKeys[n] = batchKeys[n - 1];
                    batchValues[n] = batchValues[n - 1];
                    batchTs[n] = batchTs[n - 1];
                    n++;
                }
            }
            long cpuStart = threads.getCurrentThreadCpuTime();
            long wallStart = System.nanoTime();
            for (int i = 0; i < n; i++) {
                GenericRecord key = keys.decode(batchKeys[i]);
                GenericRecord value = values.decode(batchValues[i]);
                streamTime[0] = Math.max(streamTime[0], batchTs[i]);
                dedupe.process(InternalFixedKeyRecordFactory.create(
                        new Record<>(key, value, batchTs[i], new RecordHeaders())));
            }
            wallNanos += System.nanoTime() - wallStart;
            cpuNanos += threads.getCurrentThreadCpuTime() - cpuStart;
            processed += n;
            if (next % reportEvery < batchSize) {
                System.out.printf("  %,d ids: %,.0f records/CPU-s, RocksDB block cache + memtables %,d MB%n", next,
                        processed / (cpuNanos / 1e9), BoundedRocksDbMemory.usage() >> 20);
            }
        }
        System.out.printf("dedupe: %,d records (%,d distinct ids, %,.0f duplicates dropped, %,d passed) on one "
                        + "thread: %,.0f records per CPU-second, %,.0f records per wall-clock second%n", processed, ids,
                metrics.duplicates().count(), passed[0], processed / (cpuNanos / 1e9), processed / (wallNanos / 1e9));
        System.out.printf("RocksDB block cache + memtables: %,d MB used of the %,d MB bound%n",
                BoundedRocksDbMemory.usage() >> 20, BoundedRocksDbMemory.capacity() >> 20);
        store.close();
    }

    /** Avro binary with one known schema, like a registry serde whose schema is cached. */
    private static final class Codec {
        private final GenericDatumWriter<GenericRecord> writer;
        private final GenericDatumReader<GenericRecord> reader;
        private BinaryDecoder decoder;
        private BinaryEncoder encoder;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream(256);

        Codec(Schema schema) {
            this.writer = new GenericDatumWriter<>(schema);
            this.reader = new GenericDatumReader<>(schema);
        }

        byte[] encode(GenericRecord record) {
            try {
                out.reset();
                encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
                writer.write(record, encoder);
                return out.toByteArray();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        GenericRecord decode(byte[] bytes) {
            try {
                decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
                return reader.read(null, decoder);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final class Metadata implements RecordMetadata {
        @Override
        public String topic() {
            return TOPIC;
        }

        @Override
        public int partition() {
            return 0;
        }

        @Override
        public long offset() {
            return 0;
        }
    }
}
