package dev.sluice.sink;

import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * At most one batch write in flight, on a thread of its own, so that the task thread polls, converts and parses the
 * next batch while the warehouse applies this one (the two take about as long each). The caller waits for the write
 * in flight before it starts another or touches the connection, so the connection is only ever used by one thread
 * at a time, and writes commit in order.
 */
final class BackgroundWrite implements AutoCloseable {
    private final ExecutorService thread;
    private Future<Map<TopicPartition, Long>> inFlight;

    BackgroundWrite(String threadName) {
        thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts {@code write} (which returns the next offsets it stored); a write must not be in flight. */
    void start(Callable<Map<TopicPartition, Long>> write) {
        if (inFlight != null) {
            throw new IllegalStateException("a batch write is still in flight; await it first");
        }
        inFlight = thread.submit(write);
    }

    /** Whether no write is running (none started, or the last one has finished and only waits to be awaited). */
    boolean idle() {
        return inFlight == null || inFlight.isDone();
    }

    /** Waits for the write in flight: the next offsets it stored (empty without one). Rethrows its failure. */
    Map<TopicPartition, Long> await() {
        if (inFlight == null) {
            return Map.of();
        }
        try {
            Map<TopicPartition, Long> stored = inFlight.get();
            inFlight = null;
            return stored;
        } catch (ExecutionException e) {
            inFlight = null;
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure; // the write's own ConnectException, which says what failed and what to check
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new ConnectException("A warehouse write failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the write goes on; the next await waits for it again
            throw new ConnectException("Interrupted while waiting for a warehouse write to finish", e);
        }
    }

    /** Stops the thread once the write in flight, if any, has finished (or after a minute). */
    @Override
    public void close() {
        thread.shutdown();
        try {
            thread.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
