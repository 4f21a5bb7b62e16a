package dev.sluice.ingest.crash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An {@link IngestProcess} in a JVM of its own, on the test's classpath, output to a log file. */
final class IngestChild {

    private final Process process;

    private IngestChild(Process process) {
        this.process = process;
    }

    static IngestChild start(List<String> args, Path log) throws IOException {
        Files.createDirectories(log.getParent());
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-Dcrash.debug=" + Boolean.getBoolean("crash.debug"),
                "-cp", System.getProperty("java.class.path"),
                IngestProcess.class.getName()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new IngestChild(process);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL on Linux: no shutdown hook, no flush, no goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM: the shutdown hook closes the service. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
