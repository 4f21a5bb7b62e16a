package dev.sluice.ingest.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The ingest service's meters, registered in Micrometer's global registry by default so that
 * whatever runs in the same JVM (local mode's status line, a Prometheus endpoint) reads them:
 * {@value #CHANGES} (counter, tag {@code table} = {@code schema.table}): changes acknowledged by
 * Kafka; {@value #LATENCY} (timer): source commit to producer acknowledgement.
 */
public final class IngestMetrics {

    public static final String CHANGES = "sluice.ingest.changes";
    public static final String LATENCY = "sluice.ingest.latency";

    private final MeterRegistry registry;
    private final Map<String, Counter> changes = new ConcurrentHashMap<>();
    private final Timer latency;

    public IngestMetrics() {
        this(Metrics.globalRegistry);
    }

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder(LATENCY)
                .description("Source commit to Kafka acknowledgement of a change")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    /** One change of {@code table} is in Kafka, {@code sinceCommit} after its source commit. */
    public void acknowledged(String table, Duration sinceCommit) {
        changes.computeIfAbsent(table, t -> Counter.builder(CHANGES)
                .description("Changes written to Kafka")
                .tag("table", t)
                .register(registry)).increment();
        // a clock skew between source and us must not record a negative latency
        latency.record(sinceCommit.isNegative() ? Duration.ZERO : sinceCommit);
    }
}
