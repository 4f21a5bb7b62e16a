package dev.sluice.sink.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sink's meters in Micrometer's global registry, so a status page in the same JVM (local mode) or a
 * Prometheus registry added to the global one sees them: rows upserted and deleted per table, freshness
 * (warehouse commit time minus {@code __source_ts}, per row, tagged by table), batch latency, retried writes and
 * field values left out under {@code schema.change.policy=ignore}; and per table the freshness of its completeness
 * frontier ({@link #completeUpTo}).
 */
public final class SinkMetrics {
    public static final String ROWS_UPSERTED = "sluice.sink.rows.upserted";
    public static final String ROWS_DELETED = "sluice.sink.rows.deleted";
    public static final String FRESHNESS = "sluice.sink.freshness";
    public static final String BATCH_LATENCY = "sluice.sink.batch.latency";
    public static final String WRITE_RETRIES = "sluice.sink.write.retries";
    public static final String FIELDS_DROPPED = "sluice.sink.fields.dropped";
    public static final String HISTORY_VERSIONS = "sluice.sink.history.versions";
    public static final String DEAD_LETTERS = "sluice.sink.dead.letters";
    /** Prometheus: {@code sluice_table_freshness_seconds{table}}. */
    public static final String TABLE_FRESHNESS = "sluice.table.freshness";

    /**
     * Per table, the source commit time up to which it is complete (its frontier), shared by every task of this JVM:
     * the frontier is the table's, whichever task moved it last.
     */
    private static final Map<String, AtomicLong> COMPLETE_UP_TO = new ConcurrentHashMap<>();

    private final MeterRegistry registry;
    /** Looked up once per table: this runs once per written row. */
    private final Map<String, Timer> freshness = new ConcurrentHashMap<>();

    public SinkMetrics() {
        this(Metrics.globalRegistry);
    }

    public SinkMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void upserted(String table, long rows) {
        Counter.builder(ROWS_UPSERTED).tag("table", table).description("Rows inserted or updated in the warehouse")
                .register(registry).increment(rows);
    }

    public void deleted(String table, long rows) {
        Counter.builder(ROWS_DELETED).tag("table", table).description("Rows deleted (or soft-deleted) in the warehouse")
                .register(registry).increment(rows);
    }

    public void freshness(String table, Duration sinceSourceCommit) {
        freshness.computeIfAbsent(table, t -> Timer.builder(FRESHNESS).tag("table", t)
                        .description("Warehouse commit time minus the row's source commit time")
                        // percentiles over the last minute: a status line wants "how fresh now", not since start
                        .publishPercentiles(0.5, 0.99)
                        .distributionStatisticExpiry(Duration.ofMinutes(1))
                        .distributionStatisticBufferLength(3)
                        .register(registry))
                .record(sinceSourceCommit.isNegative() ? Duration.ZERO : sinceSourceCommit);
    }

    /**
     * The table is complete up to this source commit time (epoch ms; its {@code _sluice_progress.complete_ts}). The
     * gauge reads the wall clock at each scrape, so it keeps growing while nothing moves the frontier: a stopped sink,
     * a stalled pipeline or a dead source shows as a table going stale, while an idle table is kept fresh by heartbeats.
     */
    public void completeUpTo(String table, long sourceTs) {
        AtomicLong upTo = COMPLETE_UP_TO.computeIfAbsent(table, t -> new AtomicLong(sourceTs));
        upTo.accumulateAndGet(sourceTs, Math::max);
        Gauge.builder(TABLE_FRESHNESS, upTo, u -> (System.currentTimeMillis() - u.get()) / 1000.0)
                .tag("table", table).baseUnit("seconds").strongReference(true)
                .description("Now minus the source commit time up to which the warehouse table is complete (its frontier)")
                .register(registry);
    }

    public void batchLatency(Duration duration) {
        Timer.builder(BATCH_LATENCY).description("Time to write one batch and its offsets into the warehouse")
                .register(registry).record(duration);
    }

    /** A warehouse write or read failed and will be retried: a rising count means the database is unwell. */
    public void retried() {
        Counter.builder(WRITE_RETRIES).description("Warehouse writes or reads retried after a failure")
                .register(registry).increment();
    }

    /** Versions newly stored in a table's history (a replayed or duplicate version is not counted). */
    public void historyVersions(String table, long versions) {
        Counter.builder(HISTORY_VERSIONS).tag("table", table).description("Versions added to the table's history")
                .register(registry).increment(versions);
    }

    /** Field values of committed rows that schema.change.policy=ignore left out (their table lacks the column). */
    public void fieldsDropped(String table, long values) {
        if (values > 0) {
            Counter.builder(FIELDS_DROPPED).tag("table", table)
                    .description("Field values left out by schema.change.policy=ignore").register(registry).increment(values);
        }
    }

    /** A record went to the dead-letter topic; {@code stage} is sink.read (unreadable) or sink.write (refused). */
    public void deadLettered(String stage) {
        Counter.builder(DEAD_LETTERS).tag("stage", stage)
                .description("Records sent to the sink's dead-letter topic").register(registry).increment();
    }
}
