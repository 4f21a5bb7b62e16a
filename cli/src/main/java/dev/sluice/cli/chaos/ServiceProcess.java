package dev.sluice.cli.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.OptionalInt;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One Sluice service ({@code sluice ingest|transform|connect}) in its own JVM, started with this
 * process's java and classpath, its output appended to a log file. {@link #kill()} is SIGKILL: no
 * shutdown hook runs, exactly like a crashed pod. Other end-to-end tests start services the same way.
 */
public final class ServiceProcess implements AutoCloseable {

    static final String JVM_OPTIONS = "sluice.service.jvm.options";

    private final String name;
    private final List<String> command;
    private final Path log;
    private final Map<String, String> environment;
    private Process process;

    public ServiceProcess(String name, List<String> sluiceArgs, Path log) {
        this(name, sluiceArgs, log, Map.of());
    }

    /** @param environment variables added to this process's environment (e.g. a mask step's salt) */
    public ServiceProcess(String name, List<String> sluiceArgs, Path log, Map<String, String> environment) {
        this.name = name;
        this.log = log;
        this.environment = Map.copyOf(environment);
        String java = ProcessHandle.current().info().command().orElse("java");
        this.command = new ArrayList<>(List.of(java, "-Xmx512m", "-XX:+UseSerialGC"));
        this.command.addAll(extraJvmOptions());
        this.command.addAll(List.of("-Dsluice.log.file=" + log.resolveSibling(name + ".detail.log"),
                "-cp", System.getProperty("java.class.path"), "dev.sluice.cli.SluiceCommand"));
        this.command.addAll(sluiceArgs);
    }

    /**
     * JVM options added to every service process, from the system property {@value #JVM_OPTIONS} (space-separated).
     * The test suite sets {@code -XX:TieredStopAtLevel=1}: its many short-lived service JVMs on two cores spend less
     * CPU compiling than they would gain from C2.
     */
    private static List<String> extraJvmOptions() {
        String options = System.getProperty(JVM_OPTIONS, "").trim();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    public String name() {
        return name;
    }

    public void start() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        process = builder.start();
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The exit code once the process has ended, empty while it runs. */
    public java.util.OptionalInt exitCode() {
        return process == null || process.isAlive() ? java.util.OptionalInt.empty()
                : java.util.OptionalInt.of(process.exitValue());
    }

    /** SIGKILL, then wait until the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** What the process printed so far (its log file); empty when it printed nothing yet. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The base URL of the service's /metrics and /health (it prints {@code ... serves http://HOST:PORT/metrics, ...}
     * once serving; with {@code --http-port 0} the port is known only then); empty until printed.
     */
    public java.util.Optional<String> httpUrl() {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(" serves (http://[^/\\s]+)/metrics").matcher(output());
        String last = null;
        while (m.find()) {
            last = m.group(1); // a restarted service prints a new port
        }
        return java.util.Optional.ofNullable(last);
    }

    /** The exit code once the process ended within {@code timeout}, else empty. */
    public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        if (process != null && process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return OptionalInt.of(process.exitValue());
        }
        return OptionalInt.empty();
    }

    /** SIGTERM (the service closes cleanly); SIGKILL if it has not stopped within a minute. */
    @Override
    public void close() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
