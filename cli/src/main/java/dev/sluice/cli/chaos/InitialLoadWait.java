package dev.sluice.cli.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Before a drain may be called exact, the ingest service's initial load must be whole in Kafka: the warehouse's
 * frontier follows heartbeats, which stream on while the load's chunks are still being read. A separate ingest
 * process says so on {@code /health/ready}: its stage is LOADING until every table's load is committed.
 */
final class InitialLoadWait {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private InitialLoadWait() {
    }

    /** True once the ingest process reports a state other than LOADING; false if it still loads after {@code max}. */
    static boolean await(ServiceProcess ingest, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (ingest.isAlive() && ingest.httpUrl().isPresent() && !loading(ingest.httpUrl().get())) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    private static boolean loading(String url) throws InterruptedException {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/health/ready"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() != 200 || response.body().contains("\"LOADING\"");
        } catch (IOException e) {
            return true; // not answering yet (restarting): cannot say it finished
        }
    }
}
