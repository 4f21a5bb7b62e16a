package dev.sluice.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** Sends records the sink cannot read to Connect's errant-record reporter (the DLQ), or fails when there is none. */
final class DeadLetters {
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

    void report(SinkRecord record, DataException error) {
        if (reporter == null) {
            throw error;
        }
        pending.add(reporter.report(record, error));
    }

    void awaitReported() {
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
