package dev.sluice.schemas.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;
import dev.sluice.schemas.serde.AvroDeserializer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/**
 * What a user sees when the input is wrong, on the paths the services use (Connect converter, Kafka
 * deserializer): one sentence saying what is wrong and where, never a bare Avro or HTTP stack.
 */
class AvroConverterBadInputTest {

    @Test
    void bytesWithoutTheMagicByteAreRefusedNamingTopicAndCause() {
        AvroConverter converter = converter("http://localhost:1", 0);
        byte[] json = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> converter.toConnectData("orders", json))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("cannot read a value of topic orders")
                .hasMessageContaining("do not start with the Schema Registry magic byte 0 (found 0x7b")
                .hasMessageContaining("plain JSON or raw Avro?");
        AvroDeserializer deserializer = new AvroDeserializer();
        deserializer.configure(Map.of("schema.registry.url", "http://localhost:1"), false);
        assertThatThrownBy(() -> deserializer.deserialize("orders", json))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("magic byte 0");
        assertThatThrownBy(() -> converter.toConnectData("orders", new byte[] {0, 0, 1}))
                .isInstanceOf(DataException.class).hasMessageContaining("orders");
    }

    @Test
    void anUnknownSchemaIdIsNamedAsSuch() throws IOException {
        HttpServer registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/", exchange -> {
            byte[] body = "{\"error_code\":40403,\"message\":\"Schema 77 not found\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        registry.start();
        try {
            AvroConverter converter = converter("http://localhost:" + registry.getAddress().getPort(), 10_000);
            assertThatThrownBy(() -> converter.toConnectData("orders", new byte[] {0, 0, 0, 0, 77, 2}))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("names schema id 77, which the Schema Registry does not know");
        } finally {
            registry.stop(0);
        }
    }

    @Test
    void aRegistryThatIsDownGivesOneSentenceWithTheFixAfterRetrying() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AvroConverter converter = converter("http://localhost:" + closedPort, 600);
        long started = System.nanoTime();
        assertThatThrownBy(() -> converter.fromConnectData("orders", Schema.STRING_SCHEMA, "x"))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("cannot convert a record for topic orders (subject orders-value)")
                .hasMessageContaining("could not register a schema under subject 'orders-value' at the Schema Registry http://localhost:" + closedPort)
                .hasMessageContaining("attempts in 600 ms")
                .hasMessageContaining("check that the registry runs and schema.registry.url points to it");
        assertThat(System.nanoTime() - started).as("retried for the configured window").isGreaterThanOrEqualTo(600_000_000L);
    }

    @Test
    void aBadRetrySettingIsRefusedNamingIt() {
        assertThatThrownBy(() -> new AvroConverter().configure(
                Map.of("schema.registry.url", "http://localhost:1", "schema.registry.retry.timeout.ms", "soon"), false))
                .hasMessageContaining("schema.registry.retry.timeout.ms").hasMessageContaining("milliseconds");
    }

    private static AvroConverter converter(String url, long retryMs) {
        AvroConverter converter = new AvroConverter();
        converter.configure(Map.of("schema.registry.url", url, "schema.registry.retry.timeout.ms", Long.toString(retryMs)), false);
        return converter;
    }
}
