package dev.sluice.cli.types;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Reads a whole topic the way any Schema Registry client would, with no Sluice class: magic byte 0, a big-endian
 * schema id, {@code GET /schemas/ids/{id}}, then Avro binary decoded with that writer schema and Avro's standard
 * decimal conversion.
 */
final class PlainAvroReader {

    private PlainAvroReader() {
    }

    static List<GenericRecord> readAll(String bootstrapServers, String registryUrl, String topic) throws Exception {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        HttpClient http = HttpClient.newHttpClient();
        Map<Integer, Schema> schemas = new HashMap<>();
        GenericData model = new GenericData();
        model.addLogicalTypeConversion(new Conversions.DecimalConversion());
        List<GenericRecord> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    byte[] bytes = r.value();
                    if (bytes == null) {
                        continue; // a source heartbeat
                    }
                    assertThat(bytes[0]).as("magic byte").isZero();
                    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
                    Schema writer = schemas.computeIfAbsent(id, i -> fetch(http, registryUrl, i));
                    records.add(new GenericDatumReader<GenericRecord>(writer, writer, model)
                            .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null)));
                }
            }
        }
        return records;
    }

    private static Schema fetch(HttpClient http, String registryUrl, int id) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(registryUrl + "/schemas/ids/" + id)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("GET /schemas/ids/" + id).isEqualTo(200);
            return new Schema.Parser().parse(new ObjectMapper().readTree(response.body()).get("schema").asText());
        } catch (Exception e) {
            throw new IllegalStateException("cannot fetch schema " + id, e);
        }
    }
}
