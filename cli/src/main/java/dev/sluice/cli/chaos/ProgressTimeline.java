package dev.sluice.cli.chaos;

import dev.sluice.cli.local.WarehouseTarget;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

/**
 * Watches the pipeline move while instances come and go: the records the transforms made visible on the row topics
 * (read committed, as the sink reads them) and the sink's position in the warehouse ({@code _sluice_offsets}, summed;
 * it counts transaction markers too, so it is a position, not a row count), sampled every {@value #SAMPLE_MS} ms.
 * A scale step's throughput and the longest stall of each stage are read off the samples.
 */
final class ProgressTimeline implements AutoCloseable {

    private static final long SAMPLE_MS = 200;

    /** One sample: when, rows visible on the row topics so far, the sink's summed position. */
    record Sample(long nanos, long rowsVisible, long sinkPosition) {
    }

    /** What one stage did between two moments. */
    record Span(double rowsPerSecond, double sinkPerSecond, double longestRowStallSeconds, double longestSinkStallSeconds) {
    }

    private final String bootstrap;
    private final WarehouseTarget warehouse;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread = new Thread(this::run, "scale-progress");
    private volatile Exception failure;

    ProgressTimeline(String bootstrap, WarehouseTarget warehouse) {
        this.bootstrap = bootstrap;
        this.warehouse = warehouse;
    }

    void start() {
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "sluice-scale-watch-" + UUID.randomUUID(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.METADATA_MAX_AGE_CONFIG, 2000);
        long rows = 0;
        long lastSample = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             Connection c = warehouse.open()) {
            consumer.subscribe(Pattern.compile("replica\\..*"));
            while (running.get()) {
                rows += consumer.poll(Duration.ofMillis(50)).count();
                long now = System.nanoTime();
                if (now - lastSample >= SAMPLE_MS * 1_000_000) {
                    samples.add(new Sample(now, rows, sinkPosition(c)));
                    lastSample = now;
                }
            }
        } catch (Exception e) {
            failure = e;
        }
    }

    private static long sinkPosition(Connection c) {
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT coalesce(sum(\"next_offset\"), 0) FROM \"_sluice_offsets\"")) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            return 0; // the sink has not created its control table yet
        }
    }

    /** Throughput and longest stalls between {@code fromNanos} and {@code toNanos}. */
    Span span(long fromNanos, long toNanos) {
        List<Sample> within = samples.stream().filter(s -> s.nanos() >= fromNanos && s.nanos() <= toNanos).toList();
        if (within.size() < 2) {
            throw new IllegalStateException("no progress samples between the step's start and end"
                    + (failure != null ? ": the watcher failed with " + failure : ""));
        }
        Sample first = within.get(0);
        Sample last = within.get(within.size() - 1);
        double seconds = (last.nanos() - first.nanos()) / 1e9;
        return new Span((last.rowsVisible() - first.rowsVisible()) / seconds,
                (last.sinkPosition() - first.sinkPosition()) / seconds,
                longestStall(within, Sample::rowsVisible), longestStall(within, Sample::sinkPosition));
    }

    /** The longest time a value did not grow: from a sample until the first later one with a higher value. */
    private static double longestStall(List<Sample> samples, java.util.function.ToLongFunction<Sample> value) {
        long longest = 0;
        Sample since = samples.get(0);
        for (Sample s : samples) {
            if (value.applyAsLong(s) > value.applyAsLong(since)) {
                longest = Math.max(longest, s.nanos() - since.nanos());
                since = s;
            }
        }
        longest = Math.max(longest, samples.get(samples.size() - 1).nanos() - since.nanos());
        return longest / 1e9;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }
}
