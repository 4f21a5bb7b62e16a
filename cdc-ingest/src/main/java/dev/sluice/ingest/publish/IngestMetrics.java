package dev.sluice.ingest.publish;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ingest service's meters, registered in Micrometer's global registry by default so that
 * whatever runs in the same JVM (local mode's status line, a Prometheus endpoint) reads them:
 * {@value #CHANGES} (counter, tag {@code table} = {@code schema.table}): changes acknowledged by
 * Kafka; {@value #LATENCY} (timer): source commit to the commit of the Kafka transaction holding
 * the change; {@value #TRANSACTIONS_COMMITTED} and {@value #TRANSACTIONS_ABORTED} (counters): Kafka
 * transactions committed, and aborted (after a failed send or commit, or on stop with a source
 * transaction half read, which a restart reads again); {@value #TRANSACTIONS_CUT} (counter): of the
 * committed ones, those cut at the {@link dev.sluice.ingest.TransactionBound} inside a source transaction;
 * {@value #TRANSACTION_LONGEST} (time gauge): the longest a Kafka transaction stayed open, begin to commit.
 */
public final class IngestMetrics {

    public static final String CHANGES = "sluice.ingest.changes";
    public static final String LATENCY = "sluice.ingest.latency";
    public static final String TRANSACTIONS_COMMITTED = "sluice.ingest.transactions.committed";
    public static final String TRANSACTIONS_ABORTED = "sluice.ingest.transactions.aborted";
    public static final String TRANSACTIONS_CUT = "sluice.ingest.transactions.cut";
    public static final String TRANSACTION_LONGEST = "sluice.ingest.transaction.longest";

    private final MeterRegistry registry;
    private final Map<String, Counter> changes = new ConcurrentHashMap<>();
    private final Timer latency;
    private final Counter committed;
    private final Counter aborted;
    private final Counter cut;
    private final AtomicLong longestTransactionNanos = new AtomicLong();

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
        TimeGauge.builder(TRANSACTION_LONGEST, longestTransactionNanos, TimeUnit.NANOSECONDS, AtomicLong::get)
                .description("The longest a Kafka transaction of this process stayed open, begin to commit")
                .register(registry);
        this.cut = Counter.builder(TRANSACTIONS_CUT)
                .description("Kafka transactions committed inside a source transaction or snapshot, at the transaction bound")
                .register(registry);
    }

    /** A Kafka transaction committed after being open this long. */
    public void transactionCommitted(Duration open) {
        committed.increment();
        longestTransactionNanos.accumulateAndGet(open.toNanos(), Math::max);
    }

    /** The transaction just committed was cut at the bound, inside a source transaction or snapshot. */
    public void transactionCut() {
        cut.increment();
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
