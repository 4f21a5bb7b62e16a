package dev.sluice.cli.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.cli.http.Health;
import dev.sluice.cli.http.ServiceHttpServer;
import dev.sluice.cli.http.ServiceMetrics;
import dev.sluice.cli.http.StageStatus;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.dialect.duckdb.SharedDuckDb;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The live page's endpoints on a real HTTP server and a real DuckDB warehouse: the page and its assets, the snapshot,
 * the event stream (which holds no HTTP thread: probes are answered with many pages open), a failed stage pushed at
 * once with its sentence, and the query box's answers and refusals.
 */
class LivePageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final AtomicReference<StageStatus> SINK = new AtomicReference<>(StageStatus.ready("connect", "RUNNING"));

    @TempDir
    static Path dir;
    private static String url;
    private static WarehouseConnection held;
    private static ServiceHttpServer server;
    private static LivePage page;

    @BeforeAll
    static void start() throws Exception {
        url = "jdbc:duckdb:" + dir.resolve("warehouse.duckdb");
        held = SharedDuckDb.acquire(url); // as the sink holds it while sluice local runs
        try (Statement s = held.jdbc().createStatement()) {
            s.execute("CREATE TABLE orders AS SELECT range AS id, range * 2 AS total FROM range(1000)");
        }
        Health health = new Health(List.of(() -> StageStatus.ready("ingest", "STREAMING"), SINK::get));
        page = new LivePage("sluice test", health, LiveView.NONE,
                new QueryBox(new WarehouseReader(new WarehouseTarget(url, null, null))));
        server = ServiceHttpServer.startOnLoopback(0, ServiceMetrics.prometheus(), health, page); // as sluice local
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (held != null) {
            held.close();
        }
    }

    @Test
    void sluiceLocalsPageIsReachableOnLoopbackOnly() throws Exception {
        int port = server.address().getPort();
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        InetAddress outside = java.util.Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(nic -> java.util.Collections.list(nic.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress())
                .findFirst().orElseThrow(() -> new AssertionError("this machine has no non-loopback IPv4 address to try"));
        try (Socket socket = new Socket()) {
            assertThatThrownBy(() -> socket.connect(new InetSocketAddress(outside, port), 2_000))
                    .as("connecting on %s:%d", outside, port).isInstanceOf(java.io.IOException.class);
        }
        assertThat(get("/health/live").statusCode()).as("the same port answers on loopback").isEqualTo(200);
    }

    @Test
    void servesThePageAndItsAssetsFromSluiceItself() throws Exception {
        HttpResponse<String> index = get("/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(index.body()).contains("/live/live.js", "/live/live.css").doesNotContain("https://", "http://");
        assertThat(get("/live/live.js").body()).contains("new EventSource('/live/events')");
        assertThat(get("/live/live.css").statusCode()).isEqualTo(200);
        assertThat(get("/nothing-here").statusCode()).isEqualTo(404);
    }

    @Test
    void snapshotNamesEachStageWithItsHealth() throws Exception {
        JsonNode snapshot = JSON.readTree(get("/live/snapshot").body());
        assertThat(snapshot.path("scope").asText()).isEqualTo("sluice test");
        assertThat(snapshot.path("query").asBoolean()).isTrue();
        assertThat(snapshot.path("stages").findValuesAsText("stage")).containsExactly("ingest", "connect");
        assertThat(snapshot.path("stages").findValuesAsText("health")).containsOnly("ok");
        assertThat(snapshot.has("counters")).as("counters once the first tick ran").isTrue();
    }

    @Test
    void openPagesHoldNoHttpThreadAndSeeAFailedStageAtOnce() throws Exception {
        List<InputStream> streams = new ArrayList<>();
        try {
            // more open pages than the server has threads: each must still get its stream, and probes their answer
            for (int i = 0; i < 8; i++) {
                HttpResponse<InputStream> events = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/live/events"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofInputStream());
                assertThat(events.statusCode()).isEqualTo(200);
                assertThat(events.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
                streams.add(events.body());
            }
            assertThat(get("/health/live").statusCode()).isEqualTo(200);
            BufferedReader reader = new BufferedReader(new InputStreamReader(streams.get(0), StandardCharsets.UTF_8));
            assertThat(nextSnapshot(reader).path("stages").findValuesAsText("health")).containsOnly("ok");

            SINK.set(StageStatus.failed("connect", "FAILED", "task 0 of connector sluice-warehouse failed: disk full"));
            page.publishStages();
            JsonNode failed = nextSnapshot(reader);
            for (int i = 0; i < 3 && failed.path("stages").get(1).path("health").asText().equals("ok"); i++) {
                failed = nextSnapshot(reader); // a tick from before the failure may come first
            }
            JsonNode connect = failed.path("stages").get(1);
            assertThat(connect.path("health").asText()).isEqualTo("failed");
            assertThat(connect.path("detail").asText()).isEqualTo("task 0 of connector sluice-warehouse failed: disk full");
        } finally {
            SINK.set(StageStatus.ready("connect", "RUNNING"));
            page.publishStages(); // the other tests see a healthy page again
            for (InputStream s : streams) {
                s.close();
            }
        }
    }

    @Test
    void queryBoxAnswersASelectWithinItsRowLimit() throws Exception {
        JsonNode answer = query("SELECT count(*) AS n, sum(total) AS total FROM orders", 200);
        assertThat(answer.path("columns").toString()).isEqualTo("[\"n\",\"total\"]");
        assertThat(answer.path("rows").get(0).get(0).asLong()).isEqualTo(1000);
        assertThat(answer.path("rows").get(0).get(1).asLong()).isEqualTo(999_000);
        JsonNode all = query("SELECT * FROM orders ORDER BY id", 200);
        assertThat(all.path("rows")).hasSize(QueryBox.MAX_ROWS);
        assertThat(all.path("truncated").asBoolean()).isTrue();
    }

    @Test
    void queryBoxRefusesAnythingButOneSelect() throws Exception {
        assertThat(query("DELETE FROM orders", 400).path("error").asText()).contains("only reads the warehouse");
        assertThat(query("SELECT 1; DROP TABLE orders", 400).path("error").asText()).contains("one statement at a time");
        // past the text check, the subquery it runs in still refuses a write
        assertThat(query("SELECT 1 AS x) AS a, (DELETE FROM orders", 400).path("error").asText())
                .startsWith("The warehouse refused the query:");
        assertThat(query("SELECT * FROM no_such_table", 400).path("error").asText())
                .startsWith("The warehouse refused the query:").contains("no_such_table");
        try (Statement s = held.jdbc().createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM orders")) {
            rs.next();
            assertThat(rs.getLong(1)).as("rows left in the warehouse").isEqualTo(1000);
        }
        HttpResponse<String> getQuery = get("/live/query");
        assertThat(getQuery.statusCode()).isEqualTo(405);
    }

    @Test
    void queryBoxCancelsALongQueryAtItsTimeLimit() throws Exception {
        JsonNode answer = query("SELECT count(*) FROM range(1000000000000) a", 400);
        assertThat(answer.path("error").asText()).contains("longer than the query box's limit of "
                + QueryBox.TIME_LIMIT.toSeconds() + " s and was cancelled");
    }

    private static JsonNode nextSnapshot(BufferedReader reader) throws Exception {
        String line;
        while ((line = reader.readLine()) != null) {
            if (line.startsWith("data: ")) {
                return JSON.readTree(line.substring("data: ".length()));
            }
        }
        throw new AssertionError("the event stream ended");
    }

    private static JsonNode query(String sql, int status) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + "/live/query"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(sql)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
