package dev.sluice.transforms.errors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class DlqProductionHandlerTest {

    @Test
    void valueTheSerializerRefusesGoesToTheDlqAndTheRestGoOn() {
        // stands in for a registry that refuses an incompatible schema
        Serializer<String> picky = (topic, value) -> {
            if (value.startsWith("bad")) {
                throw new SerializationException("schema refused for " + value);
            }
            return value.getBytes(StandardCharsets.UTF_8);
        };
        Serde<String> pickySerde = Serdes.serdeFrom(picky, Serdes.String().deserializer());
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .to("out", Produced.with(Serdes.String(), pickySerde));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dlq-production-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(DeadLetters.streamsConfig("p"));

        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<String, String> in = driver.createInputTopic("in", Serdes.String().serializer(),
                    Serdes.String().serializer());
            in.pipeInput("k1", "bad value");
            in.pipeInput("k2", "good value");

            assertThat(driver.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer())
                    .readValuesToList()).containsExactly("good value");
            List<TestRecord<byte[], byte[]>> dlq = driver.createOutputTopic(DeadLetters.topic("p"),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
            assertThat(dlq).singleElement().satisfies(r -> {
                assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("bad value");
                assertThat(new String(r.headers().lastHeader(DeadLetters.HEADER_STAGE).value(), StandardCharsets.UTF_8))
                        .isEqualTo("serialization");
                assertThat(new String(r.headers().lastHeader("__streams.errors.message").value(),
                        StandardCharsets.UTF_8)).contains("schema refused");
            });
        }
    }
}
