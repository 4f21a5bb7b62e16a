package dev.sluice.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import com.sun.net.httpserver.HttpServer;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's HTTP behaviour (retries, errors, caching) against a scripted HTTP endpoint. */
class RestSchemaRegistryClientTest {

    private record Answer(int status, String body) {
    }

    private HttpServer server;
    private final Deque<Answer> script = new ArrayDeque<>();
    private final List<String> requests = new ArrayList<>();
    private RestSchemaRegistryClient client;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (requests) {
                requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
                        + exchange.getRequestHeaders().getFirst("Content-Type") + " " + body);
            }
            Answer answer = script.isEmpty() ? new Answer(500, "{}") : script.poll();
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        client = new RestSchemaRegistryClient("http://localhost:" + server.getAddress().getPort() + "/");
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void retriesServerErrorsThenCachesTheId() {
        script.add(new Answer(503, "{\"error_code\":50003,\"message\":\"busy\"}"));
        script.add(new Answer(500, "oops"));
        script.add(new Answer(200, "{\"id\":5}"));
        Schema schema = Schema.create(Schema.Type.STRING);

        assertThat(client.register("my topic/value", schema)).isEqualTo(5);
        assertThat(client.register("my topic/value", schema)).isEqualTo(5);
        assertThat(client.schemaById(5)).isEqualTo(schema);

        assertThat(requests).hasSize(3).allSatisfy(r -> assertThat(r)
                .isEqualTo("POST /subjects/my%20topic%2Fvalue/versions application/vnd.schemaregistry.v1+json {\"schema\":\"\\\"string\\\"\"}"));
    }

    @Test
    void doesNotRetryARefusalAndNamesSubjectAndMessage() {
        script.add(new Answer(404, "{\"error_code\":40402,\"message\":\"Version 9 not found.\"}"));
        assertThatThrownBy(() -> client.version("orders-value", 9))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.VERSION_NOT_FOUND);
                })
                .hasMessageContaining("refused to get version 9 of subject 'orders-value': Version 9 not found.");
        assertThat(requests).hasSize(1);
    }

    @Test
    void givesUpOnAnUnreachableRegistryWithAHint() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        RestSchemaRegistryClient unreachable = new RestSchemaRegistryClient("http://localhost:" + closedPort,
                java.time.Duration.ofMillis(700));
        assertThatThrownBy(() -> unreachable.schemaById(1))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("could not get the schema with id 1")
                .hasMessageContaining("attempts in 700 ms")
                .hasMessageContaining("schema.registry.url");
    }

    @Test
    void refusesAUrlThatIsNotHttp() {
        assertThatThrownBy(() -> new RestSchemaRegistryClient("localhost:8081"))
                .hasMessageContaining("'localhost:8081' is not a Schema Registry URL");
        assertThatThrownBy(() -> SchemaRegistryConfig.clientFrom(java.util.Map.of()))
                .hasMessageContaining("schema.registry.url").hasMessageContaining("is required");
    }
}
