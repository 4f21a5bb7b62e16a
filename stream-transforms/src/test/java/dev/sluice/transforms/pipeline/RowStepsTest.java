package dev.sluice.transforms.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transforms.errors.DeadLetters;
import dev.sluice.transforms.expect.ExpectStep;
import dev.sluice.transforms.mask.MaskStep;
import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import dev.sluice.transforms.testkit.Envelopes;
import dev.sluice.transforms.testkit.SelfDescribingAvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** The row steps one by one, on a row topic (format: row), each through the spec compiler. */
class RowStepsTest {

    private static final long T0 = 1_700_000_000_000L;

    private final Envelopes orders = Envelopes.forTable("public", "orders");
    private final SelfDescribingAvroSerde serde = new SelfDescribingAvroSerde();

    private List<TestRecord<GenericRecord, GenericRecord>> run(String steps, String outputTopic, GenericRecord... rows) {
        String yaml = "pipeline: p\nsource: {topics: [replica.public.orders], format: row}\nsteps:\n" + steps
                + "output: {topic: out}\n";
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "row-steps-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.putAll(DeadLetters.streamsConfig("p"));
        try (TopologyTestDriver driver = new TopologyTestDriver(PipelineTopology.build(
                PipelineSpecParser.parse(yaml, "p.yaml"), serde, serde, new SimpleMeterRegistry(),
                Map.of("SLUICE_MASK_SALT", "0123456789abcdef-salt")::get), props)) {
            TestInputTopic<GenericRecord, GenericRecord> in =
                    driver.createInputTopic("replica.public.orders", serde.serializer(), serde.serializer());
            for (GenericRecord row : rows) {
                in.pipeInput(orders.key((Integer) row.get("id")), row, T0);
            }
            return driver.createOutputTopic(outputTopic, serde.deserializer(), serde.deserializer()).readRecordsToList();
        }
    }

    @Test
    void filterComparesNumbersAsNumbersAndTextAsText() {
        GenericRecord a = orders.row(1, "10.00", "keep", 0);
        GenericRecord b = orders.row(2, "20.00", "drop", 0);
        GenericRecord c = orders.row(3, "30.00", null, 0);

        assertThat(ids(run("  - filter: {field: amount, equals: 10}\n", "out", a, b, c))).containsExactly(1);
        assertThat(ids(run("  - filter: {field: note, in: [keep, other]}\n", "out", a, b, c))).containsExactly(1);
        assertThat(ids(run("  - filter: {field: note, not-equals: drop}\n", "out", a, b, c))).containsExactly(1, 3);
        assertThat(ids(run("  - filter: {field: note, is-null: true}\n", "out", a, b, c))).containsExactly(3);
        assertThat(ids(run("  - filter: {field: id, not-in: [1, 3]}\n", "out", a, b, c))).containsExactly(2);
    }

    @Test
    void maskRedactsTruncatesKeepsTheEndAndHashesDeterministically() {
        GenericRecord row = orders.row(1, "10.00", "4111111111111111", 0);
        String steps = "  - mask: {fields: {note: {keep-last: 4}}}\n";
        assertThat(run(steps, "out", row).get(0).value().get("note").toString()).isEqualTo("************1111");
        steps = "  - mask: {fields: {note: {truncate: 4}}}\n";
        assertThat(run(steps, "out", row).get(0).value().get("note").toString()).isEqualTo("4111");
        steps = "  - mask: {fields: {note: redact, amount: redact}}\n";
        GenericRecord redacted = run(steps, "out", row).get(0).value();
        assertThat(redacted.get("note").toString()).isEqualTo(MaskStep.REDACTED);
        assertThat(redacted.get("amount")).isNull();
        assertThat(redacted.getSchema().getField("amount").schema().getType()).isEqualTo(Schema.Type.UNION);
        steps = "  - mask: {fields: {id: hash}}\n";
        GenericRecord hashed = run(steps, "out", row, orders.row(1, "99.00", null, 0)).get(0).value();
        GenericRecord again = run(steps, "out", orders.row(1, "1.00", "x", 0)).get(0).value();
        assertThat(hashed.get("id").toString()).hasSize(64).isEqualTo(again.get("id").toString());
        assertThat(hashed.getSchema().getField("id").schema().getType()).isEqualTo(Schema.Type.STRING);
    }

    @Test
    void expectQuarantinesWithEveryBrokenRuleAndPassesNullsExceptNotNull() {
        String steps = """
                  - expect:
                      rules:
                        - {field: amount, max: 100}
                        - {field: note, accepted-values: [ok]}
                        - {field: note, regex: '[a-z]+'}
                        - {field: id, not-null: true}
                """;
        GenericRecord good = orders.row(1, "10.00", "ok", 0);
        GenericRecord noNote = orders.row(2, "10.00", null, 0);
        GenericRecord bad = orders.row(3, "500.00", "NOPE", 0);

        assertThat(ids(run(steps, "out", good, noNote, bad))).containsExactly(1, 2);
        List<TestRecord<GenericRecord, GenericRecord>> quarantined = run(steps, "p.quarantine", good, noNote, bad);
        assertThat(quarantined).singleElement().satisfies(r -> assertThat(new String(
                r.headers().lastHeader(ExpectStep.HEADER_RULE).value(), StandardCharsets.UTF_8)).isEqualTo(
                "expect: amount in range [-inf, 100]; note in [ok]; note matches /[a-z]+/"));
    }

    @Test
    void renameKeepsOrderAndColumnSchemas() {
        GenericRecord row = run("  - rename: {fields: {note: comment}}\n", "out", orders.row(1, "1.00", "x", 0))
                .get(0).value();

        assertThat(row.getSchema().getFields()).extracting(Schema.Field::name)
                .containsExactly("id", "amount", "comment", "created_at");
        assertThat(row.getSchema().getField("created_at").schema().getProp("connect.name"))
                .isEqualTo("io.debezium.time.MicroTimestamp");
        assertThat(row.get("comment").toString()).isEqualTo("x");
    }

    private static List<Integer> ids(List<TestRecord<GenericRecord, GenericRecord>> records) {
        return records.stream().map(r -> (Integer) r.value().get("id")).toList();
    }
}
