package dev.sluice.cli.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A local OpenLineage endpoint, as Marquez's {@code POST /api/v1/lineage}: keeps every event it is sent. */
final class LineageReceiver implements AutoCloseable {

    static final String PATH = "/api/v1/lineage";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final List<JsonNode> events = new ArrayList<>();

    LineageReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(PATH, exchange -> {
            int status = 201;
            try (exchange) {
                if (!exchange.getRequestMethod().equals("POST")
                        || !String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")).startsWith("application/json")) {
                    status = 400;
                } else {
                    JsonNode event = JSON.readTree(exchange.getRequestBody());
                    synchronized (events) {
                        events.add(event);
                    }
                }
                exchange.sendResponseHeaders(status, -1);
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + PATH;
    }

    LineageEvents events() {
        synchronized (events) {
            return new LineageEvents(List.copyOf(events));
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
