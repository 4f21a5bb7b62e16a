package dev.sluice.cli.service;

import dev.sluice.cli.http.Health;
import dev.sluice.cli.http.StageStatus;
import dev.sluice.cli.lineage.ServiceLineage;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Keeps a service running until the process is asked to stop (SIGTERM, Ctrl-C), then closes it, so every
 * standalone service shuts down the same clean way; and checks its stages every {@link #CHECK_INTERVAL}: once a
 * stage stopped working (the Debezium engine failed, a stream thread died, a sink task FAILED, the registry lost
 * its store) it prints one sentence naming the stage and the cause and returns 1, so the process exits non-zero
 * and compose or Kubernetes restarts it. A service that does not close within {@link #HALT_AFTER} after a
 * failure is halted: a stuck close must not keep a broken process alive.
 */
public final class ServiceLifetime {

    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);
    public static final Duration HALT_AFTER = Duration.ofSeconds(20);

    private ServiceLifetime() {
    }

    public static int runUntilStopped(String name, AutoCloseable service, Health health) throws InterruptedException {
        return runUntilStopped(name, service, health, ServiceLineage::off);
    }

    /**
     * As above, and the service's lineage runs end with it: COMPLETE when it is stopped (its {@code close} runs first,
     * while the service still answers), FAIL with the stop sentence when a stage failed. The lineage is started
     * ({@code startLineage}, which sends START) only once the stop hook is in place, so a SIGTERM that arrives just
     * after START still ends the runs with COMPLETE.
     */
    public static int runUntilStopped(String name, AutoCloseable service, Health health,
                                      Supplier<ServiceLineage> startLineage) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        AtomicReference<ServiceLineage> lineage = new AtomicReference<>(ServiceLineage.off());
        Object starting = new Object();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                synchronized (starting) { // a START being sent is followed by its COMPLETE, never overtaken by it
                    lineage.getAndSet(null).close();
                }
                service.close();
            } catch (Exception e) {
                System.err.println(name + " did not stop cleanly: " + e.getMessage());
            } finally {
                closed.countDown();
            }
        }, name + "-shutdown"));
        synchronized (starting) {
            if (lineage.get() != null) { // null: already stopping, so no run is begun
                ServiceLineage started = startLineage.get();
                lineage.set(started);
                started.describe().ifPresent(where -> System.out.println(name + " sends lineage to " + where));
            }
        }
        System.out.println(name + " is running; stop it with Ctrl-C or SIGTERM.");
        while (!closed.await(CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS)) {
            Optional<StageStatus> failed = health.firstFailed();
            if (failed.isPresent()) {
                String sentence = stopSentence(name, failed.get());
                System.err.println(sentence);
                haltLater(HALT_AFTER);
                ServiceLineage running = lineage.get();
                if (running != null) {
                    running.fail(sentence, null);
                }
                return 1;
            }
        }
        return 0;
    }

    /** The one sentence a failed stage is reported with: {@code sluice connect stops: stage connect failed: ...}. */
    public static String stopSentence(String name, StageStatus failed) {
        String cause = failed.detail().isBlank() ? "it is in state " + failed.state() : failed.detail();
        return name + " stops: stage " + failed.stage() + " failed: " + cause + (cause.endsWith(".") ? "" : ".");
    }

    /** Halts the JVM with exit code 1 after {@code delay} unless it exited before (a stuck shutdown hook). */
    public static void haltLater(Duration delay) {
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(delay.toMillis());
                PrintStream err = System.err;
                err.println("Stopping took longer than " + delay.toSeconds() + " s; halting.");
                Runtime.getRuntime().halt(1);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }, "sluice-halt");
        halt.setDaemon(true);
        halt.start();
    }
}
