package dev.sluice.schemas.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.sluice.schemas.wire.WireFormat;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The converter keeps what it needs per writer schema id: records of several ids interleave without mixing, a second
 * converter (its own client, so its own Schema instances) reads the same bytes the same way, the registry is asked
 * once per id, and a record that fails to decode does not spoil the next.
 */
class AvroConverterReadCacheTest {
    private static final Schema V1 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Row\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":[\"null\",\"string\"],\"default\":null}]}");
    private static final Schema V2 = new Schema.Parser().parse("{\"type\":\"record\",\"name\":\"Row\",\"fields\":["
            + "{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"name\",\"type\":[\"null\",\"string\"],\"default\":null},"
            + "{\"name\":\"note\",\"type\":[\"string\",\"null\"],\"default\":\"n\"}]}");

    private final AtomicInteger schemaCalls = new AtomicInteger();
    private HttpServer registry;

    @BeforeEach
    void startRegistry() throws IOException {
        ObjectMapper json = new ObjectMapper();
        registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/schemas/ids/", exchange -> {
            schemaCalls.incrementAndGet();
            String id = exchange.getRequestURI().getPath().replaceAll(".*/ids/(\\d+).*", "$1");
            Schema schema = id.equals("1") ? V1 : V2;
            byte[] body = json.writeValueAsBytes(Map.of("schema", schema.toString()));
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        registry.start();
    }

    @AfterEach
    void stopRegistry() {
        registry.stop(0);
    }

    @Test
    void recordsOfSeveralSchemaIdsInterleaveAndEachIdIsFetchedOnce() {
        AvroConverter converter = converter();
        for (int i = 0; i < 3; i++) {
            Struct first = (Struct) converter.toConnectData("t", v1(i, "a" + i)).value();
            Struct second = (Struct) converter.toConnectData("t", v2(i, "b" + i, "x" + i)).value();
            assertThat(first.schema().fields()).hasSize(2);
            assertThat(first.getInt64("id")).isEqualTo(i);
            assertThat(first.getString("name")).isEqualTo("a" + i);
            assertThat(second.schema().fields()).hasSize(3);
            assertThat(second.getString("name")).isEqualTo("b" + i);
            assertThat(second.getString("note")).isEqualTo("x" + i);
        }
        assertThat(schemaCalls).as("one registry call per schema id").hasValue(2);
    }

    @Test
    void anotherConverterWithItsOwnSchemaInstancesReadsTheSameBytesEqually() {
        byte[] bytes = v2(7, null, "x");
        SchemaAndValue one = converter().toConnectData("t", bytes);
        SchemaAndValue two = converter().toConnectData("t", bytes);
        assertThat(two.schema()).isEqualTo(one.schema());
        assertThat(two.value()).isEqualTo(one.value());
        assertThat(((Struct) two.value()).getString("name")).isNull();
    }

    @Test
    void aRecordThatFailsToDecodeDoesNotSpoilTheNext() {
        AvroConverter converter = converter();
        byte[] good = v1(1, "a");
        byte[] trailing = Arrays.copyOf(good, good.length + 3);
        assertThatThrownBy(() -> converter.toConnectData("t", trailing))
                .isInstanceOf(DataException.class).hasMessageContaining("bytes left after its Avro body");
        byte[] truncated = Arrays.copyOf(good, good.length - 2);
        assertThatThrownBy(() -> converter.toConnectData("t", truncated)).isInstanceOf(DataException.class);
        assertThat(((Struct) converter.toConnectData("t", good).value()).getString("name")).isEqualTo("a");
    }

    private AvroConverter converter() {
        AvroConverter converter = new AvroConverter();
        converter.configure(Map.of("schema.registry.url", "http://localhost:" + registry.getAddress().getPort()), false);
        return converter;
    }

    private static byte[] v1(long id, String name) {
        GenericData.Record r = new GenericData.Record(V1);
        r.put("id", id);
        r.put("name", name);
        return WireFormat.encode(1, V1, r);
    }

    private static byte[] v2(long id, String name, String note) {
        GenericData.Record r = new GenericData.Record(V2);
        r.put("id", id);
        r.put("name", name);
        r.put("note", note);
        return WireFormat.encode(2, V2, r);
    }
}
