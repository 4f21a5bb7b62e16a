package dev.sluice.embedded;

import org.apache.kafka.connect.cli.ConnectStandalone;
import org.apache.kafka.connect.runtime.Connect;
import org.apache.kafka.connect.runtime.Herder;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.runtime.standalone.StandaloneHerder;
import org.apache.kafka.connect.util.FutureCallback;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka Connect worker (standalone mode) running in this JVM. Connector classes are found
 * through their {@code META-INF/services} manifests on the classpath. The worker's consumers read
 * with {@code isolation.level=read_committed}, so aborted producer transactions never reach a sink.
 */
public final class ConnectWorker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Connect<StandaloneHerder> connect;

    private ConnectWorker(Connect<StandaloneHerder> connect) {
        this.connect = connect;
    }

    /**
     * Starts a worker against the given brokers. {@code workDir} holds the standalone offset file;
     * {@code overrides} replace any default worker setting.
     */
    public static ConnectWorker start(String bootstrapServers, Path workDir, Map<String, String> overrides) {
        try {
            Files.createDirectories(workDir);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the Connect work directory " + workDir, e);
        }
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        props.put("offset.storage.file.filename", workDir.resolve("connect.offsets").toString());
        props.put("offset.flush.interval.ms", "1000");
        props.put("listeners", "http://localhost:" + PortCheck.freePort());
        // Manifest-based discovery: scanning the whole classpath costs seconds on every start.
        props.put("plugin.discovery", "service_load");
        props.put("connector.client.config.override.policy", "All");
        props.put("consumer.isolation.level", "read_committed");
        props.put("consumer.auto.offset.reset", "earliest");
        props.put("task.shutdown.graceful.timeout.ms", "10000");
        props.putAll(overrides);
        Connect<StandaloneHerder> connect = new ConnectStandalone().startConnect(props);
        return new ConnectWorker(connect);
    }

    /** Creates or replaces a connector and returns once it and all its tasks are RUNNING. */
    public void createConnector(String name, Map<String, String> config) {
        Map<String, String> full = new HashMap<>(config);
        full.put("name", name);
        FutureCallback<Herder.Created<ConnectorInfo>> created = new FutureCallback<>();
        connect.herder().putConnectorConfig(name, full, true, created);
        try {
            created.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Connect refused connector " + name + ": " + rootMessage(e), e);
        }
        awaitRunning(name);
    }

    private void awaitRunning(String name) {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            ConnectorStateInfo status = connectorStatus(name);
            if ("FAILED".equals(status.connector().state())) {
                throw new IllegalStateException("connector " + name + " failed: " + status.connector().trace());
            }
            for (ConnectorStateInfo.TaskState task : status.tasks()) {
                if ("FAILED".equals(task.state())) {
                    throw new IllegalStateException("task " + task.id() + " of connector " + name + " failed: " + task.trace());
                }
            }
            boolean running = "RUNNING".equals(status.connector().state())
                    && !status.tasks().isEmpty()
                    && status.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
            if (running) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("connector " + name + " did not reach RUNNING within " + START_TIMEOUT);
    }

    public ConnectorStateInfo connectorStatus(String name) {
        return connect.herder().connectorStatus(name);
    }

    public void deleteConnector(String name) {
        FutureCallback<Herder.Created<ConnectorInfo>> deleted = new FutureCallback<>();
        connect.herder().deleteConnectorConfig(name, deleted);
        try {
            deleted.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not delete connector " + name + ": " + rootMessage(e), e);
        }
    }

    /** The worker's REST address, for users who want to attach their own tools. */
    public String restUrl() {
        return connect.rest().advertisedUrl().toString();
    }

    @Override
    public void close() {
        connect.stop();
        connect.awaitStop();
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
