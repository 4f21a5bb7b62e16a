package dev.sluice.cli.live;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.cli.http.Health;
import dev.sluice.cli.http.ServiceHttpServer;
import dev.sluice.cli.http.StageStatus;
import dev.sluice.cli.status.PipelineCounters;
import io.micrometer.core.instrument.Metrics;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The live page of a process, served at {@code /}: static assets from the classpath (nothing is loaded from elsewhere),
 * {@code /live/snapshot} (the state as JSON), {@code /live/events} (the same, pushed once a second as server-sent
 * events) and, where the process has a warehouse, {@code /live/query} ({@link QueryBox}). One thread builds the
 * snapshot once a second, whatever the number of open pages, and writes it to each.
 */
public final class LivePage implements AutoCloseable {

    static final long TICK_MS = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ASSETS = "/dev/sluice/cli/live/";
    private static final Map<String, String> FILES = Map.of(
            "/", "index.html", "/live/live.js", "live.js", "/live/live.css", "live.css");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8");

    private final String scope;
    private final Health health;
    private final LiveView view;
    private final QueryBox query;
    private final EventStream events = new EventStream();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-live");
        t.setDaemon(true);
        return t;
    });
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile ObjectNode latest;
    private PipelineCounters before;
    private long beforeAt;

    /**
     * @param scope what the process runs, shown as the page's title: "sluice local", "sluice ingest", ...
     * @param query the warehouse query box, or null where the process has no warehouse
     */
    public LivePage(String scope, Health health, LiveView view, QueryBox query) {
        this.scope = scope;
        this.health = health;
        this.view = view;
        this.query = query;
        this.latest = stagesOnly();
    }

    /** A service's page: its stages and counters only. */
    public static LivePage ofStages(Health health) {
        return new LivePage("sluice", health, LiveView.NONE, null);
    }

    /** Adds the page's routes; the server is started by its owner. */
    public void install(HttpServer server) {
        server.createContext("/", this::asset);
        server.createContext("/live/snapshot", exchange -> {
            try (exchange) {
                ServiceHttpServer.respond(exchange, 200, "application/json", JSON.writeValueAsString(latest));
            }
        });
        server.createContext("/live/events", exchange -> {
            // not closed here: the stream stays open, written by the page's thread
            if (!events.open(exchange, JSON.writeValueAsString(latest))) {
                try (exchange) {
                    ServiceHttpServer.respond(exchange, 503, "text/plain; charset=utf-8", "Too many open live pages ("
                            + EventStream.MAX_CLIENTS + "); close some and reload.\n");
                }
            }
        });
        server.createContext("/live/query", exchange -> {
            try (exchange) {
                if (query == null) {
                    ServiceHttpServer.respond(exchange, 404, "application/json", error("This process has no warehouse to query;"
                            + " the query box is on the page of sluice local."));
                } else {
                    QueryBox.Answer answer = query.answer(exchange);
                    ServiceHttpServer.respond(exchange, answer.status(), "application/json", JSON.writeValueAsString(answer.body()));
                }
            }
        });
    }

    /** Builds the first snapshot at once, then one a second. */
    public void start() {
        ticker.scheduleWithFixedDelay(this::tick, 0, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Sends the stages as they are now to every open page, on the caller's thread: called when a stage failed and
     * the process is about to stop, so the page shows which stage and why before its stream ends.
     */
    public void publishStages() {
        ObjectNode now = latest.deepCopy();
        now.set("stages", stages(health.check()));
        now.put("at", System.currentTimeMillis());
        latest = now;
        events.publish(now.toString());
    }

    /** Number of pages currently open (for tests). */
    int openPages() {
        return events.size();
    }

    private void tick() {
        try {
            ObjectNode snapshot = stagesOnly();
            PipelineCounters now = PipelineCounters.read(Metrics.globalRegistry);
            long nowAt = System.nanoTime();
            ObjectNode counters = snapshot.putObject("counters").put("captured", now.captured())
                    .put("transformed", now.transformed()).put("written", now.written())
                    .put("duplicates", now.duplicates()).put("late", now.late()).put("quarantined", now.quarantined());
            if (!Double.isNaN(now.freshnessP99Ms())) {
                counters.put("freshnessP99Ms", now.freshnessP99Ms());
            }
            if (before != null) {
                double seconds = Math.max(1e-3, (nowAt - beforeAt) / 1e9);
                snapshot.putObject("rates").put("captured", (now.captured() - before.captured()) / seconds)
                        .put("transformed", (now.transformed() - before.transformed()) / seconds)
                        .put("written", (now.written() - before.written()) / seconds);
            }
            before = now;
            beforeAt = nowAt;
            view.fill(snapshot);
            latest = snapshot;
            events.publish(JSON.writeValueAsString(snapshot));
        } catch (RuntimeException | IOException e) {
            // the next tick tries again; the page keeps showing the last snapshot meanwhile
            System.err.println("live page: " + e);
        }
    }

    private ObjectNode stagesOnly() {
        ObjectNode snapshot = JSON.createObjectNode().put("scope", scope).put("at", System.currentTimeMillis())
                .put("query", query != null);
        snapshot.set("stages", stages(health.check()));
        return snapshot;
    }

    static ArrayNode stages(List<StageStatus> statuses) {
        ArrayNode stages = JSON.createArrayNode();
        for (StageStatus s : statuses) {
            stages.addObject().put("stage", s.stage()).put("state", s.state()).put("live", s.live())
                    .put("ready", s.ready()).put("detail", s.detail())
                    .put("health", !s.live() ? "failed" : s.ready() ? "ok" : "starting");
        }
        return stages;
    }

    private void asset(HttpExchange exchange) throws IOException {
        try (exchange) {
            String file = FILES.get(exchange.getRequestURI().getPath());
            if (file == null) {
                ServiceHttpServer.respond(exchange, 404, "text/plain; charset=utf-8",
                        "Try / (the live page), /metrics, /health/live or /health/ready.\n");
                return;
            }
            try (InputStream in = LivePage.class.getResourceAsStream(ASSETS + file)) {
                if (in == null) {
                    ServiceHttpServer.respond(exchange, 500, "text/plain; charset=utf-8", "The page's " + file
                            + " is missing from the classpath; rebuild sluice.\n");
                    return;
                }
                String type = TYPES.get(file.substring(file.lastIndexOf('.') + 1));
                exchange.getResponseHeaders().set("Cache-Control", "no-cache");
                ServiceHttpServer.respond(exchange, 200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    static String error(String sentence) {
        return JSON.createObjectNode().put("error", sentence).toString();
    }

    /** Stops building snapshots and ends every open page's stream. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.closeAll();
        try {
            view.close();
        } catch (Exception e) {
            System.err.println("while stopping the live page: " + e.getMessage());
        }
    }
}
