package dev.sluice.transforms.errors;

import dev.sluice.schemas.registry.SchemaRegistryException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An outage is never a bad record: a record that cannot be (de)serialized because the Schema Registry does not answer
 * (no connection, HTTP 5xx, after the client's own retry window) is not dead-lettered. The handler waits a bounded
 * backoff (1 s doubling to {@link #MAX_BACKOFF}) and fails the stream thread, which Kafka Streams replaces
 * ({@code REPLACE_THREAD}, see {@code TransformService}); the new thread resumes from the last commit (exactly-once:
 * the open transaction is aborted), so the record is read again once the registry is back. One log line and the
 * gauge {@link #GAUGE} (1 reachable, 0 not) per state change, per pipeline.
 */
public final class RegistryOutage {
    public static final String GAUGE = "sluice.transforms.registry.available";
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(RegistryOutage.class);
    private static final Map<String, RegistryOutage> BY_PIPELINE = new ConcurrentHashMap<>();

    private final String pipeline;
    private final AtomicInteger available = new AtomicInteger(1);
    private final AtomicInteger failuresInARow = new AtomicInteger();
    private final AtomicLong downSince = new AtomicLong();

    private RegistryOutage(String pipeline) {
        this.pipeline = pipeline;
        Gauge.builder(GAUGE, available, AtomicInteger::get).tag("pipeline", pipeline)
                .description("Whether the pipeline reaches the Schema Registry (1) or waits for it (0)")
                .register(Metrics.globalRegistry);
    }

    /** The outage state of {@code pipeline} (one per pipeline and JVM, shared by its handlers and service). */
    public static RegistryOutage of(String pipeline) {
        return BY_PIPELINE.computeIfAbsent(pipeline, RegistryOutage::new);
    }

    /** Whether {@code error} (or a cause of it) says the registry did not answer, rather than that the record is bad. */
    public static boolean isOutage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SchemaRegistryException e
                    && (e.status() >= 500 || (e.status() == 0 && e.getCause() instanceof IOException))) {
                return true;
            }
        }
        return false;
    }

    public boolean isDown() {
        return available.get() == 0;
    }

    /** The registry did not answer: logs once when it was reachable before. */
    public void down(Throwable cause) {
        if (available.compareAndSet(1, 0)) {
            downSince.set(System.nanoTime());
            LOG.warn("Pipeline {}: the Schema Registry does not answer ({}); records wait and are retried with backoff"
                    + " up to {} s, none is dead-lettered", pipeline, rootMessage(cause), MAX_BACKOFF.toSeconds());
        }
    }

    /** The registry answered again: logs once when it was down. */
    public void up() {
        failuresInARow.set(0);
        if (available.compareAndSet(0, 1)) {
            LOG.info("Pipeline {}: the Schema Registry answers again after {} s; processing resumes", pipeline,
                    Duration.ofNanos(System.nanoTime() - downSince.get()).toSeconds());
        }
    }

    /** Waits before the stream thread is replaced: 1 s, doubling per failure in a row, at most {@link #MAX_BACKOFF}. */
    public void backOff() {
        int n = Math.min(failuresInARow.getAndIncrement(), 5);
        long millis = Math.min(1000L << n, MAX_BACKOFF.toMillis());
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String rootMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SchemaRegistryException) {
                return c.getMessage();
            }
        }
        return String.valueOf(t);
    }
}
