package dev.sluice.schemas.registry;

import java.time.Duration;
import java.util.Optional;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Schema Registry for local mode and tests: serves the Schema Registry REST API (register, ids,
 * subjects, versions, compatibility, config) over HTTP and keeps every schema in a compacted
 * Kafka topic ({@code _schemas}, created if missing with one partition), so a restarted registry
 * on the same topic answers the same ids. A registration is answered only after Kafka acknowledged
 * it. The default compatibility level is BACKWARD, checked with Avro's own rules.
 *
 * <p>One registry instance may write a given topic at a time (ids are allocated in memory).
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    /** The topic a registry keeps its schemas in unless told otherwise. */
    public static final String DEFAULT_TOPIC = SchemasTopic.DEFAULT_TOPIC;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final SchemasTopic log;
    private final String url;

    private EmbeddedSchemaRegistry(HttpServer server, ExecutorService executor, SchemasTopic log) {
        this.server = server;
        this.executor = executor;
        this.log = log;
        this.url = "http://localhost:" + server.getAddress().getPort();
    }

    /**
     * Starts a registry on {@code port} of the loopback interface (0 picks a free port), stored in
     * topic {@code _schemas} of the Kafka cluster at {@code bootstrapServers}.
     */
    public static EmbeddedSchemaRegistry start(String bootstrapServers, int port) {
        return start(bootstrapServers, new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                SchemasTopic.DEFAULT_TOPIC);
    }

    /**
     * Starts a registry listening on {@code address} (e.g. all interfaces, in a container), stored in
     * {@code topic}.
     */
    public static EmbeddedSchemaRegistry start(String bootstrapServers, InetSocketAddress address, String topic) {
        return start(bootstrapServers, java.util.Map.of(), address, topic);
    }

    /** The same, with Kafka client settings (TLS, SASL) for the clients that keep {@code topic}. */
    public static EmbeddedSchemaRegistry start(String bootstrapServers, java.util.Map<String, String> kafka,
                                               InetSocketAddress address, String topic) {
        HttpServer server;
        try {
            server = HttpServer.create(address, 50);
        } catch (BindException e) {
            throw new IllegalStateException("port " + address.getPort() + " is already in use; pass another port"
                    + " for the schema registry (or 0 to pick a free one), or stop the process that holds it", e);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + address + " for the schema registry: " + e.getMessage(), e);
        }
        SchemasTopic log;
        RegistryState state = new RegistryState();
        try {
            log = SchemasTopic.open(bootstrapServers, kafka, topic, state);
        } catch (RuntimeException e) {
            server.stop(0);
            throw e;
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "schema-registry-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", new RegistryHttpHandler(new RegistryService(state, log)));
        server.start();
        EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(server, executor, log);
        LOG.info("Schema registry serving {} from topic {} ({} subjects)", registry.url, topic, state.subjects().size());
        return registry;
    }

    /** Base URL of the REST API, {@code http://localhost:PORT}. */
    public String url() {
        return url;
    }

    /** The port the registry listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Why this registry cannot serve now, or empty when it can. It answers only after replaying its whole
     * topic (so it is caught up from the start); afterwards it needs the topic: this reports when the topic
     * was deleted or Kafka does not answer within {@code timeout}.
     */
    public Optional<String> problem(Duration timeout) {
        return log.problem(timeout);
    }

    /** Stops serving and closes the Kafka writer; stored schemas stay in the topic. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        log.close();
    }
}
