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
 * Kafka; {@value #LATENCY} (timer): source commit to the commit of the Kafka transaction holding
 * the change; {@value #TRANSACTIONS_COMMITTED} and {@value #TRANSACTIONS_ABORTED} (counters): Kafka
 * transactions committed, and aborted (after a failed send or commit, or on stop with a source
 * transaction half read, which a restart reads again).
 */
public final class IngestMetrics {

    public static final String CHANGES = "sluice.ingest.changes";
    public static final String LATENCY = "sluice.ingest.latency";
    public static final String TRANSACTIONS_COMMITTED = "sluice.ingest.transactions.committed";
    public static final String TRANSACTIONS_ABORTED = "sluice.ingest.transactions.aborted";

    private final MeterRegistry registry;
    private final Map<String, Counter> changes = new ConcurrentHashMap<>();
    private final Timer latency;
    private final Counter committed;
    private final Counter aborted;

    public IngestMetrics() {
        this(Metrics.globalRegistry);
    }

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder(LATENCY)
                .description("Source commit to Kafka acknowledgement of a change")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.committed = Counter.builder(TRANSACTIONS_COMMITTED)
                .description("Kafka transactions committed (changes with the source offset after them)")
                .register(registry);
        this.aborted = Counter.builder(TRANSACTIONS_ABORTED)
                .description("Kafka transactions aborted; their changes are read again after a restart")
                .register(registry);
    }

    public void transactionCommitted() {
        committed.increment();
    }

    public void transactionAborted() {
        aborted.increment();
    }

    /** One change of {@code table} is committed in Kafka, {@code sinceCommit} after its source commit. */
    public void acknowledged(String table, Duration sinceCommit) {
        acknowledged(table, sinceCommit, 1);
    }

    /** {@code count} changes of {@code table}, of one source commit, are committed in Kafka. */
    public void acknowledged(String table, Duration sinceCommit, int count) {
        changes.computeIfAbsent(table, t -> Counter.builder(CHANGES)
                .description("Changes written to Kafka")
                .tag("table", t)
                .register(registry)).increment(count);
        // a clock skew between source and us must not record a negative latency
        Duration latencyOfEach = sinceCommit.isNegative() ? Duration.ZERO : sinceCommit;
        for (int i = 0; i < count; i++) {
            latency.record(latencyOfEach);
        }
    }
}
