package dev.sluice.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sluice.testkit.KafkaTestCluster;
import dev.sluice.schemas.connect.AvroConverter;
import dev.sluice.schemas.serde.AvroDeserializer;
import dev.sluice.schemas.serde.AvroSerializer;
import dev.sluice.schemas.serde.GenericAvroSerde;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The embedded registry on a real KRaft broker, exercised through our REST client, serdes and converter. */
class EmbeddedSchemaRegistryIT {

    private static KafkaTestCluster kafka;
    private static EmbeddedSchemaRegistry registry;
    private static SchemaRegistryClient client;

    @BeforeAll
    static void start() {
        kafka = KafkaTestCluster.start();
        registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
        client = new RestSchemaRegistryClient(registry.url());
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    private static Schema customer(String... extraStringFields) {
        var fields = SchemaBuilder.record("Customer").namespace("shop").fields().requiredLong("id").requiredString("name");
        for (String extra : extraStringFields) {
            fields = fields.requiredString(extra);
        }
        return fields.endRecord();
    }

    @Test
    void registersAndLooksUpThroughTheRestClient() {
        Schema v1 = customer();
        Schema v2 = SchemaBuilder.record("Customer").namespace("shop").fields().requiredLong("id").requiredString("name")
                .name("email").type().stringType().stringDefault("").endRecord();

        int id1 = client.register("customers-value", v1);
        int id2 = client.register("customers-value", v2);
        assertThat(id2).isNotEqualTo(id1);

        SchemaRegistryClient fresh = new RestSchemaRegistryClient(registry.url()); // no caches
        assertThat(fresh.register("customers-value", v1)).as("identical schema: same id, no new version").isEqualTo(id1);
        assertThat(fresh.versions("customers-value")).containsExactly(1, 2);
        assertThat(fresh.schemaById(id1)).isEqualTo(v1);
        assertThat(fresh.latest("customers-value")).isEqualTo(
                new SchemaRegistryClient.RegisteredSchema("customers-value", 2, id2, v2));
        assertThat(fresh.version("customers-value", 1).id()).isEqualTo(id1);
        assertThat(fresh.lookup("customers-value", v2).version()).isEqualTo(2);
        assertThat(fresh.register("customers-copy-value", v1)).as("same schema, other subject: global id reused").isEqualTo(id1);
        assertThat(fresh.subjects()).contains("customers-value", "customers-copy-value");

        assertThat(fresh.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        fresh.setCompatibility("customers-copy-value", CompatibilityLevel.FULL);
        assertThat(fresh.compatibility("customers-copy-value")).isEqualTo(CompatibilityLevel.FULL);
        assertThat(fresh.compatibility("customers-value")).isEqualTo(CompatibilityLevel.BACKWARD);
    }

    @Test
    void refusesAnIncompatibleSchemaWith409AndAClearMessage() {
        client.register("refunds-value", customer());
        Schema breaking = customer("reason"); // new field without a default: cannot read old records

        SchemaRegistryClient.CompatibilityResult check = client.checkCompatibility("refunds-value", breaking);
        assertThat(check.compatible()).isFalse();
        assertThat(check.messages()).anySatisfy(m -> assertThat(m).contains("reason"));

        assertThatThrownBy(() -> client.register("refunds-value", breaking))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(409);
                })
                .hasMessageContaining("refused to register a schema under subject 'refunds-value'")
                .hasMessageContaining("incompatible with an earlier schema")
                .hasMessageContaining("reason");
        assertThat(client.versions("refunds-value")).containsExactly(1);
        assertThat(client.checkCompatibility("never-registered-value", breaking).compatible()).isTrue();
    }

    @Test
    void answersErrorsInTheRegistryFormat() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(registry.url() + "/subjects/no-such-subject/versions/latest")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/vnd.schemaregistry.v1+json");
        JsonNode body = new ObjectMapper().readTree(response.body());
        assertThat(body.get("error_code").asInt()).isEqualTo(40401);
        assertThat(body.get("message").asText()).contains("no-such-subject");

        assertThatThrownBy(() -> client.schemaById(987_654))
                .isInstanceOfSatisfying(SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SCHEMA_NOT_FOUND))
                .hasMessageContaining("schema with id 987654");
    }

    @Test
    void refusesNonJsonBodiesWith415AndOversizedBodiesWith413() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI versions = URI.create(registry.url() + "/subjects/guarded-value/versions");
        String schema = "{\"schema\": \"\\\"string\\\"\"}";

        HttpResponse<String> form = http.send(HttpRequest.newBuilder(versions).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(schema)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(form.statusCode()).isEqualTo(415);
        assertThat(new ObjectMapper().readTree(form.body()).get("message").asText()).contains("text/plain", "application/json");

        byte[] huge = new byte[RegistryHttpHandler.MAX_BODY_BYTES + 10];
        java.util.Arrays.fill(huge, (byte) ' ');
        HttpResponse<String> big = http.send(HttpRequest.newBuilder(versions).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(huge)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(big.statusCode()).isEqualTo(413);

        HttpResponse<String> fine = http.send(HttpRequest.newBuilder(versions)
                .header("Content-Type", "application/vnd.schemaregistry.v1+json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(schema)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(fine.statusCode()).as(fine.body()).isEqualTo(200);
        assertThat(client.subjects()).contains("guarded-value");
    }

    @Test
    void storesSchemasInACompactedTopicAndARestartedRegistryReturnsTheSameIds() throws Exception {
        String topic = "_schemas_restart_test";
        InetSocketAddress anyPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        int ordersId;
        int itemsId;
        try (EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), anyPort, topic)) {
            SchemaRegistryClient c = new RestSchemaRegistryClient(first.url());
            ordersId = c.register("orders-value", customer());
            itemsId = c.register("items-value", Schema.create(Schema.Type.STRING));
            c.setGlobalCompatibility(CompatibilityLevel.FULL);
        }
        try (EmbeddedSchemaRegistry second = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), anyPort, topic)) {
            SchemaRegistryClient c = new RestSchemaRegistryClient(second.url());
            assertThat(c.register("orders-value", customer())).isEqualTo(ordersId);
            assertThat(c.schemaById(itemsId)).isEqualTo(Schema.create(Schema.Type.STRING));
            assertThat(c.latest("items-value").version()).isEqualTo(1);
            assertThat(c.globalCompatibility()).isEqualTo(CompatibilityLevel.FULL);
            int newId = c.register("other-value", Schema.create(Schema.Type.LONG));
            assertThat(newId).isNotIn(ordersId, itemsId);
        }
        try (var admin = kafka.admin()) {
            var config = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "_schemas")))
                    .all().get().values().iterator().next();
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
            assertThat(admin.describeTopics(List.of("_schemas")).allTopicNames().get().get("_schemas").partitions())
                    .hasSize(1);
        }
    }

    @Test
    void refusesATakenPortInOneSentence() {
        assertThatThrownBy(() -> EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), registry.port()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("port " + registry.port() + " is already in use; pass another port");
    }

    @Test
    void avroConverterRoundTripsADebeziumStyleRecordThroughTheRegistry() {
        org.apache.kafka.connect.data.Schema row = org.apache.kafka.connect.data.SchemaBuilder.struct()
                .name("sluice.public.orders.Value")
                .field("id", org.apache.kafka.connect.data.Schema.INT64_SCHEMA)
                .field("total", Decimal.builder(2).parameter("connect.decimal.precision", "12").build())
                .field("placed_at", org.apache.kafka.connect.data.SchemaBuilder.int64()
                        .name("io.debezium.time.MicroTimestamp").version(1).build())
                .field("meta", org.apache.kafka.connect.data.SchemaBuilder.string().name("io.debezium.data.Json")
                        .version(1).optional().build())
                .optional().build();
        org.apache.kafka.connect.data.Schema envelope = org.apache.kafka.connect.data.SchemaBuilder.struct()
                .name("sluice.public.orders.Envelope").version(1)
                .field("before", row).field("after", row)
                .field("op", org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
                .field("ts_ms", org.apache.kafka.connect.data.Schema.OPTIONAL_INT64_SCHEMA).build();
        Struct value = new Struct(envelope).put("op", "c").put("ts_ms", 1_764_000_000_000L)
                .put("after", new Struct(row).put("id", 42L).put("total", new BigDecimal("99.90"))
                        .put("placed_at", 1_764_000_000_000_123L).put("meta", "{\"gift\":true}"));

        AvroConverter writer = new AvroConverter();
        writer.configure(Map.of("schema.registry.url", registry.url()), false);
        byte[] bytes = writer.fromConnectData("sluice.public.orders", envelope, value);

        AvroConverter reader = new AvroConverter();
        reader.configure(Map.of("schema.registry.url", registry.url()), false);
        SchemaAndValue back = reader.toConnectData("sluice.public.orders", bytes);
        assertThat(back.schema()).isEqualTo(envelope);
        assertThat(back.value()).isEqualTo(value);
        assertThat(client.latest("sluice.public.orders-value").schema().getProp("connect.name"))
                .isEqualTo("sluice.public.orders.Envelope");
        assertThat(writer.fromConnectData("sluice.public.orders", envelope, null)).isNull();
    }

    @Test
    void aSerializedRecordCanBeDecodedByHandFromItsBytesAndTheRestApi() throws Exception {
        Schema schema = SchemaBuilder.record("Order").namespace("shop").fields()
                .requiredLong("id").requiredString("status").optionalDouble("amount").endRecord();
        GenericRecord order = new GenericData.Record(schema);
        order.put("id", 7L);
        order.put("status", "paid");
        order.put("amount", 12.5);
        String topic = "by-hand";
        kafka.createTopic(topic, 1);

        Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        producerProps.put("schema.registry.url", registry.url());
        try (KafkaProducer<String, Object> producer =
                     new KafkaProducer<>(producerProps, new StringSerializer(), configured(new AvroSerializer()))) {
            producer.send(new ProducerRecord<>(topic, "k", order)).get();
        }
        Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                return !values.isEmpty();
            });
        }

        // By hand, with no Sluice class: magic byte, big-endian id, GET /schemas/ids/{id}, Avro binary.
        byte[] bytes = values.get(0);
        assertThat(bytes[0]).isZero();
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(registry.url() + "/schemas/ids/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Schema writer = new Schema.Parser().parse(new ObjectMapper().readTree(response.body()).get("schema").asText());
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertThat(decoded.get("id")).isEqualTo(7L);
        assertThat(decoded.get("status").toString()).isEqualTo("paid");
        assertThat(decoded.get("amount")).isEqualTo(12.5);
        assertThat(client.latest(topic + "-value").id()).isEqualTo(id);
    }

    @Test
    void serdesRoundTripRecordsAndPrimitivesAndExplainUnknownIds() {
        Map<String, String> config = Map.of("schema.registry.url", registry.url());
        Schema schema = customer();
        GenericRecord customer = new GenericData.Record(schema);
        customer.put("id", 1L);
        customer.put("name", "Ada");
        try (GenericAvroSerde serde = new GenericAvroSerde()) {
            serde.configure(config, false);
            byte[] bytes = serde.serializer().serialize("serde-test", customer);
            assertThat(serde.deserializer().deserialize("serde-test", bytes)).isEqualTo(customer);
        }
        AvroSerializer keys = new AvroSerializer();
        keys.configure(config, true);
        AvroDeserializer reader = new AvroDeserializer();
        reader.configure(config, true);
        assertThat(reader.deserialize("serde-test", keys.serialize("serde-test", "a-key"))).isEqualTo("a-key");
        // one subject per topic: a string key and a long key under one subject would be incompatible
        assertThat(reader.deserialize("serde-long", keys.serialize("serde-long", 5L))).isEqualTo(5L);
        assertThat(reader.deserialize("serde-bytes", keys.serialize("serde-bytes", new byte[] {1, 2}))).isEqualTo(new byte[] {1, 2});
        assertThat(keys.serialize("serde-test", null)).isNull();
        assertThat(client.subjects()).contains("serde-test-key", "serde-test-value");

        byte[] unknownId = {0, 0, 0, 0x7f, 0x7f, 2};
        assertThatThrownBy(() -> reader.deserialize("serde-test", unknownId))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("names schema id 32639, which the Schema Registry does not know");
    }

    private static AvroSerializer configured(AvroSerializer serializer) {
        serializer.configure(Map.of("schema.registry.url", registry.url()), false);
        return serializer;
    }
}
