package dev.sluice.cli.lineage;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** POSTs each event as JSON to an OpenLineage endpoint (Marquez: {@code http://HOST:5000/api/v1/lineage}). */
public final class HttpTransport implements LineageTransport {

    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);

    private final URI url;
    private final Duration timeout;
    private final HttpClient client;

    public HttpTransport(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public void send(ObjectNode event) {
        try {
            HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Facets.JSON.writeValueAsString(event))).build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                LOG.warn("OpenLineage endpoint {} answered {} to a {} event of {}: {}", url, response.statusCode(),
                        event.path("eventType").asText(), event.path("job").path("name").asText(), abbreviate(response.body()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("OpenLineage event to {} not sent: interrupted", url);
        } catch (Exception e) {
            LOG.warn("OpenLineage event to {} not sent: {}", url, String.valueOf(e.getMessage()));
        }
    }

    private static String abbreviate(String s) {
        return s == null || s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
