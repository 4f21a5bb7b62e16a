package dev.sluice.transforms.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.schemas.registry.SchemaRegistryException;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

class RegistryOutageTest {

    private static final SerializationException UNREACHABLE = new SerializationException("cannot fetch schema id 1",
            new SchemaRegistryException("could not fetch schema 1 at the Schema Registry", new ConnectException("refused")));

    @Test
    void aRecordUnreadableForARegistryOutageFailsTheThreadAndIsNotDeadLettered() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);
        // stands in for the Avro deserializer: bad bytes, or a registry that does not answer
        Deserializer<String> reader = (topic, bytes) -> {
            String v = new String(bytes, StandardCharsets.UTF_8);
            if (v.equals("unreadable")) {
                throw new SerializationException("bytes do not start with the magic byte");
            }
            if (v.equals("while the registry is down")) {
                throw UNREACHABLE;
            }
            return v;
        };
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.serdeFrom(Serdes.String().serializer(), reader)))
                .to("out", Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "registry-outage-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(DeadLetters.streamsConfig("outage"));

        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", Serdes.String().serializer(),
                    Serdes.String().serializer());
            in.pipeInput("k1", "unreadable");
            in.pipeInput("k2", "good");
            assertThatThrownBy(() -> in.pipeInput("k3", "while the registry is down")).isInstanceOf(StreamsException.class);

            assertThat(driver.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer())
                    .readValuesToList()).containsExactly("good");
            assertThat(driver.createOutputTopic(DeadLetters.topic("outage"), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer()).readValuesToList()).extracting(v -> new String(v, StandardCharsets.UTF_8))
                    .containsExactly("unreadable");
            assertThat(RegistryOutage.of("outage").isDown()).isTrue();
            assertThat(meters.get(RegistryOutage.GAUGE).tag("pipeline", "outage").gauge().value()).isZero();
            RegistryOutage.of("outage").up();
            assertThat(meters.get(RegistryOutage.GAUGE).tag("pipeline", "outage").gauge().value()).isEqualTo(1.0);
        } finally {
            Metrics.removeRegistry(meters);
        }
    }

    @Test
    void onlyAnUnansweredRegistryIsAnOutageNotARefusalOrBadBytes() {
        assertThat(RegistryOutage.isOutage(UNREACHABLE)).isTrue();
        assertThat(RegistryOutage.isOutage(new SchemaRegistryException("HTTP 503", 503, 0))).isTrue();
        assertThat(RegistryOutage.isOutage(new SerializationException("unknown id",
                new SchemaRegistryException("schema not found", 404, SchemaRegistryException.SCHEMA_NOT_FOUND)))).isFalse();
        assertThat(RegistryOutage.isOutage(new SerializationException("bytes do not start with the magic byte"))).isFalse();
        assertThat(RegistryOutage.isOutage(new SchemaRegistryException("not valid Avro", new IllegalArgumentException()))).isFalse();
    }
}
