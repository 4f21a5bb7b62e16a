package dev.sluice.schemas.registry;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** basic.auth.user.info reaches the registry as an Authorization header; the password never shows in toString. */
class RegistryAccessTest {

    @Test
    void basicAuthFromTheSerdeConfigsIsSentWithEveryCall() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = "[\"orders-value\"]".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            SchemaRegistryClient client = SchemaRegistryConfig.clientFrom(Map.of(
                    SchemaRegistryConfig.SCHEMA_REGISTRY_URL, "http://localhost:" + server.getAddress().getPort(),
                    SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "sluice:s3cret"));
            assertThat(client.subjects()).containsExactly("orders-value");
        } finally {
            server.stop(0);
        }
        assertThat(authorizations).containsExactly("Basic "
                + Base64.getEncoder().encodeToString("sluice:s3cret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void userInfoWithoutAColonIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> new RegistryAccess("justapassword", null, null, null))
                .hasMessage("basic.auth.user.info must be USER:PASSWORD (the value has no ':'); write it as USER:PASSWORD.");
        assertThat(new RegistryAccess("sluice:s3cret", null, null, null).toString()).doesNotContain("s3cret");
    }

    @Test
    void anUnreadableTruststoreNamesTheSetting() {
        assertThatThrownBy(() -> new RestSchemaRegistryClient("https://localhost:1", RestSchemaRegistryClient.DEFAULT_RETRY_WINDOW,
                new RegistryAccess(null, java.nio.file.Path.of("/nonexistent/truststore.p12"), "x", "PKCS12")))
                .hasMessageContaining("schema.registry.ssl.truststore.location");
    }
}
