package dev.sluice.transforms.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.transforms.pipeline.spec.PipelineSpecException;
import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import dev.sluice.transforms.testkit.Envelopes;
import dev.sluice.transforms.testkit.SelfDescribingAvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Properties;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.junit.jupiter.api.Test;

class CustomStepTest {

    /** A user's step: writes the configured note on every row. */
    public static final class StampNote implements CustomStep {
        @Override
        public KStream<GenericRecord, GenericRecord> apply(KStream<GenericRecord, GenericRecord> input, Context context) {
            String note = context.config().get("note");
            return input.mapValues(row -> {
                GenericRecord copy = new GenericData.Record((GenericData.Record) row, true);
                copy.put("note", note);
                return copy;
            }, Named.as(context.name()));
        }
    }

    private static final String SPEC = """
            pipeline: p
            source: {topics: [replica.public.orders], format: row}
            steps:
              - custom: {name: stamp, class: dev.sluice.transforms.pipeline.CustomStepTest$StampNote, config: {note: hi}}
            output: {topic: out}
            """;

    @Test
    void customStepFromTheSpecRunsWithItsNameAndConfig() {
        Envelopes orders = Envelopes.forTable("public", "orders");
        SelfDescribingAvroSerde serde = new SelfDescribingAvroSerde();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "custom-step-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try (TopologyTestDriver driver = new TopologyTestDriver(PipelineTopology.build(
                PipelineSpecParser.parse(SPEC, "p.yaml"), serde, serde, new SimpleMeterRegistry(), n -> null), props)) {
            driver.createInputTopic("replica.public.orders", serde.serializer(), serde.serializer())
                    .pipeInput(orders.key(1), orders.row(1, "1.00", null, 0));

            assertThat(driver.createOutputTopic("out", serde.deserializer(), serde.deserializer()).readValuesToList())
                    .singleElement().satisfies(row -> assertThat(row.get("note").toString()).isEqualTo("hi"));
        }
    }

    @Test
    void unknownOrWrongClassFailsAtLoad() {
        assertThatThrownBy(() -> PipelineSpecParser.parse(SPEC.replace("CustomStepTest$StampNote", "Nope"), "p.yaml"))
                .isInstanceOf(PipelineSpecException.class)
                .hasMessageContaining("line 4").hasMessageContaining("steps[0].custom.class: class "
                        + "'dev.sluice.transforms.pipeline.Nope' is not on the classpath");
        assertThatThrownBy(() -> PipelineSpecParser.parse(SPEC.replace("dev.sluice.transforms.pipeline.CustomStepTest"
                + "$StampNote", "java.lang.String"), "p.yaml"))
                .hasMessageContaining("does not implement dev.sluice.transforms.pipeline.CustomStep");
    }
}
