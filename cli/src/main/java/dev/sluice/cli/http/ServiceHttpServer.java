package dev.sluice.cli.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.cli.live.LivePage;
import dev.sluice.embedded.PortCheck;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A service's own HTTP endpoint (all interfaces, so a pod's probes and Prometheus reach it):
 * <ul>
 *   <li>{@code /metrics}: every meter of the process in Prometheus' text format;</li>
 *   <li>{@code /health/live}: 200 while every stage works, 503 once one stopped (restart the process);</li>
 *   <li>{@code /health/ready}: 200 while every stage does its job, else 503.</li>
 * </ul>
 * Both health answers are JSON naming each stage, its state and, when it is not well, why. {@code /} is the live page
 * ({@link LivePage}): the stages of this process (or, for {@code sluice local}, the whole pipeline), updating live.
 */
public final class ServiceHttpServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /**
     * Threads answering requests. The live page's event streams hold none of them (a stream is written by the page's
     * own thread), so this bounds only concurrent plain requests: probes, scrapes and the page's query box.
     */
    static final int THREADS = 4;

    private final HttpServer server;
    private final ExecutorService executor;
    private final LivePage page;

    private ServiceHttpServer(HttpServer server, ExecutorService executor, LivePage page) {
        this.server = server;
        this.executor = executor;
        this.page = page;
    }

    /** Serves on {@code port} (0: a free one) until closed; its live page shows the stages of {@code health}. */
    public static ServiceHttpServer start(int port, PrometheusMeterRegistry metrics, Health health) {
        return start(port, metrics, health, LivePage.ofStages(health));
    }

    /**
     * Serves on {@code port} (0: a free one) of every interface until closed, with {@code page} at {@code /}; closes the
     * page when closed. Services listen everywhere because their probes and scrapes come from outside the pod.
     */
    public static ServiceHttpServer start(int port, PrometheusMeterRegistry metrics, Health health, LivePage page) {
        return start(new InetSocketAddress(port), metrics, health, page);
    }

    /** As {@link #start(int, PrometheusMeterRegistry, Health, LivePage)}, on loopback only: for {@code sluice local}. */
    public static ServiceHttpServer startOnLoopback(int port, PrometheusMeterRegistry metrics, Health health, LivePage page) {
        return start(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), metrics, health, page);
    }

    private static ServiceHttpServer start(InetSocketAddress address, PrometheusMeterRegistry metrics, Health health,
                                           LivePage page) {
        int port = address.getPort();
        HttpServer server;
        try {
            server = HttpServer.create(address, 20);
        } catch (BindException e) {
            page.close();
            throw new PortCheck.PortInUseException("Port " + port + " is already in use; pass another --http-port"
                    + " (or 0 to pick a free one), or stop the process that holds it.");
        } catch (IOException e) {
            page.close();
            throw new IllegalStateException("Cannot serve HTTP on port " + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "sluice-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> {
            try (exchange) {
                respond(exchange, 200, PROMETHEUS_TEXT, metrics.scrape());
            }
        });
        server.createContext("/health/live", exchange -> {
            try (exchange) {
                List<StageStatus> stages = health.check();
                respondHealth(exchange, stages.stream().allMatch(StageStatus::live), stages);
            }
        });
        server.createContext("/health/ready", exchange -> {
            try (exchange) {
                List<StageStatus> stages = health.check();
                respondHealth(exchange, !stages.isEmpty() && stages.stream().allMatch(StageStatus::ready), stages);
            }
        });
        page.install(server);
        server.start();
        page.start();
        return new ServiceHttpServer(server, executor, page);
    }

    /** The address it is bound to. */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Where it serves, for people: {@code http://localhost:PORT}. */
    public String url() {
        return "http://localhost:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The line a service prints at start. */
    public String describe() {
        return url() + "/metrics, " + url() + "/health/live, " + url() + "/health/ready";
    }

    /** The live page of this process, to publish a change (a failed stage) before the process stops. */
    public LivePage page() {
        return page;
    }

    private static void respondHealth(HttpExchange exchange, boolean up, List<StageStatus> stages) throws IOException {
        ObjectNode body = JSON.createObjectNode().put("status", up ? "UP" : "DOWN");
        ArrayNode checks = body.putArray("stages");
        for (StageStatus s : stages) {
            ObjectNode check = checks.addObject().put("stage", s.stage()).put("state", s.state())
                    .put("live", s.live()).put("ready", s.ready());
            if (!s.detail().isEmpty()) {
                check.put("detail", s.detail());
            }
        }
        respond(exchange, up ? 200 : 503, "application/json", JSON.writerWithDefaultPrettyPrinter().writeValueAsString(body) + "\n");
    }

    /** Answers with {@code body} (headers only for HEAD). */
    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        if ("HEAD".equals(exchange.getRequestMethod())) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        page.close();
        server.stop(0);
        executor.shutdownNow();
    }
}
