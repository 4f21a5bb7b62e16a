package dev.sluice.cli.service;

import java.util.concurrent.CountDownLatch;

/**
 * Keeps a service running until the process is asked to stop (SIGTERM, Ctrl-C), then closes it,
 * so every standalone service shuts down the same clean way.
 */
public final class ServiceLifetime {

    private ServiceLifetime() {
    }

    public static int runUntilStopped(String name, AutoCloseable service) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                service.close();
            } catch (Exception e) {
                System.err.println(name + " did not stop cleanly: " + e.getMessage());
            } finally {
                closed.countDown();
            }
        }, name + "-shutdown"));
        System.out.println(name + " is running; stop it with Ctrl-C or SIGTERM.");
        closed.await();
        return 0;
    }
}
