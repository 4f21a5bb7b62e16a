package dev.sluice.ingest.engine;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs one Debezium embedded engine on its own thread. {@link #start} returns once the connector
 * task runs (or fails if the engine stops while starting); {@link #close} stops it, letting the
 * engine commit the offsets of what was processed.
 */
public final class CdcEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CdcEngine.class);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

    private final CompletableFuture<Void> taskStarted = new CompletableFuture<>();
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "sluice-ingest-engine");
        t.setDaemon(false);
        return t;
    });
    private volatile DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;

    /**
     * Builds and runs the engine; waits up to {@code startTimeout} for its task to start. A timeout
     * is not an error (creating a slot waits for open source transactions), only logged.
     */
    public void start(Properties properties, DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> consumer,
                      Duration startTimeout) {
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(properties)
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        taskStarted.complete(null);
                    }
                })
                .using((success, message, error) -> {
                    if (success) {
                        finished.complete(null);
                    } else {
                        finished.completeExceptionally(new IllegalStateException(
                                "The Debezium engine stopped: " + message, error));
                    }
                })
                .notifying(consumer)
                .build();
        executor.execute(engine);
        try {
            CompletableFuture.anyOf(taskStarted, finished).get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!taskStarted.isDone()) {
                throw new IllegalStateException("The Debezium engine stopped before its task started.");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("The Debezium engine failed to start: " + rootMessage(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            log.warn("The Debezium engine has not started its task after {} s; it keeps trying", startTimeout.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the Debezium engine.", e);
        }
    }

    /** True until the engine stopped, by {@link #close} or by an error. */
    public boolean isRunning() {
        return engine != null && !finished.isDone();
    }

    /** Why the engine stopped, if it stopped with an error. */
    public Optional<Throwable> failure() {
        if (!finished.isCompletedExceptionally()) {
            return Optional.empty();
        }
        try {
            finished.join();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(e.getCause() != null ? e.getCause() : e);
        }
    }

    @Override
    public void close() {
        if (engine != null) {
            try {
                engine.close();
            } catch (IOException e) {
                log.warn("Stopping the Debezium engine failed: {}", e.toString());
            } catch (IllegalStateException e) {
                // "Engine has been already shut down": it stopped on its own (a failure, kept in failure())
                log.debug("The Debezium engine had stopped already: {}", e.getMessage());
            }
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("The Debezium engine did not stop within {} s", STOP_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root + ")";
    }
}
