package dev.sluice.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * Sends records the sink cannot write to Connect's errant-record reporter (the dead-letter topic), or fails when the
 * connector has none. Each dead letter carries, besides Connect's {@code __connect.errors.*} context headers (when
 * {@code errors.deadletterqueue.context.headers.enable=true}), Sluice's own: {@link #REASON}, {@link #STAGE} and the
 * source coordinates {@link #TOPIC}, {@link #PARTITION}, {@link #OFFSET}, which {@code sluice dlq} reads and replays
 * by. Thread-safe: the task thread reports unreadable records while the background writer reports refused rows.
 */
final class DeadLetters {
    static final String REASON = "sluice.errors.reason";
    static final String STAGE = "sluice.errors.stage";
    static final String TOPIC = "sluice.errors.topic";
    static final String PARTITION = "sluice.errors.partition";
    static final String OFFSET = "sluice.errors.offset";
    /** {@link #STAGE} of a record the sink could not read (contract broken, unexpected tombstone). */
    static final String READ = "sink.read";
    /** {@link #STAGE} of a row the warehouse refused. */
    static final String WRITE = "sink.write";

    private final ErrantRecordReporter reporter;
    private final List<Future<Void>> pending = new ArrayList<>();

    DeadLetters(SinkTaskContext context) {
        ErrantRecordReporter found;
        try {
            found = context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError e) {
            found = null; // a worker older than Kafka 2.6
        }
        this.reporter = found;
    }

    /** Whether the connector has a dead-letter topic (errors.tolerance=all and a topic name). */
    boolean enabled() {
        return reporter != null;
    }

    /** Reports a record the sink cannot read; rethrows {@code error} when there is no dead-letter topic. */
    void report(SinkRecord record, DataException error) {
        report(record, error, READ);
    }

    /** Reports a record whose row the warehouse refused; rethrows {@code error} when there is no dead-letter topic. */
    synchronized void report(SinkRecord record, RuntimeException error, String stage) {
        if (reporter == null) {
            throw error;
        }
        pending.add(reporter.report(tagged(record, error.getMessage(), stage), error));
    }

    /**
     * The record with Sluice's headers added. It is a new SinkRecord, so Connect re-encodes it with the connector's
     * converters instead of copying the consumed bytes: the same schema through the same registry subject gives the
     * same bytes, and a tombstone stays a tombstone.
     */
    static SinkRecord tagged(SinkRecord record, String reason, String stage) {
        Headers headers = new ConnectHeaders(record.headers());
        headers.addString(REASON, reason == null ? "unknown" : reason)
                .addString(STAGE, stage)
                .addString(TOPIC, record.originalTopic())
                .addString(PARTITION, String.valueOf(record.originalKafkaPartition()))
                .addString(OFFSET, String.valueOf(record.originalKafkaOffset()));
        return new SinkRecord(record.originalTopic(), record.originalKafkaPartition(), record.keySchema(), record.key(),
                record.valueSchema(), record.value(), record.originalKafkaOffset(), record.timestamp(),
                record.timestampType(), headers);
    }

    /** Waits until every reported record sits in the dead-letter topic: only then may its offset be committed. */
    synchronized void awaitReported() {
        try {
            for (Future<Void> f : pending) {
                f.get();
            }
            pending.clear();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while writing to the dead-letter queue", e);
        } catch (ExecutionException e) {
            throw new ConnectException("Writing a bad record to the dead-letter queue failed: " + e.getCause().getMessage(), e);
        }
    }
}
