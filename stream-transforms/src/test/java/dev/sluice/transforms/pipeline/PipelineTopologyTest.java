package dev.sluice.transforms.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.transforms.dedupe.WindowedDedupe;
import dev.sluice.transforms.errors.DeadLetters;
import dev.sluice.transforms.expect.ExpectStep;
import dev.sluice.transforms.metrics.TransformMetrics;
import dev.sluice.schemas.heartbeat.Heartbeat;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import dev.sluice.transforms.replicate.ReplicationSpec;
import dev.sluice.transforms.replicate.ReplicationTopology;
import dev.sluice.transforms.testkit.Envelopes;
import dev.sluice.transforms.testkit.InMemorySchemaRegistry;
import dev.sluice.schemas.serde.GenericAvroSerde;
import dev.sluice.transforms.replicate.wire.ReplicationSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import dev.sluice.transforms.divert.Requeue;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class PipelineTopologyTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final String SALT = "a-long-random-test-salt";
    private static final String ORDERS_PIPELINE = """
            pipeline: orders-clean
            source:
              topics: [sluice.public.orders]
            steps:
              - dedupe: {window: 1h, allowed-lateness: 1m}
              - unwrap: {}
              - expect:
                  name: checks
                  rules:
                    - {field: amount, min: 0}
                    - {field: note, regex: '[a-z ]*'}
              - filter: {field: __deleted, equals: false}
              - project: {fields: [id, amount, note, __version]}
              - rename: {fields: {amount: total}}
              - mask: {fields: {note: hash}, salt-env: TEST_SALT}
            output:
              topic: 'clean.${schema}.${table}'
            """;

    private final Envelopes orders = Envelopes.forTable("public", "orders");
    private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
    private final GenericAvroSerde serde = new GenericAvroSerde(schemas, false);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void defaultReplicationPipelineIsExpressibleAsASpecAndCompilesToTheSameTopology() throws IOException {
        Topology replication = ReplicationTopology.build(ReplicationSpec.defaults(), ReplicationSerdes.of(schemas), registry);
        PipelineSpec fromYaml = PipelineSpecParser.parse(resource("/dev/sluice/transforms/pipeline/replica.yaml"),
                "replica.yaml");

        for (PipelineSpec spec : List.of(fromYaml, PipelineSpec.replication(ReplicationSpec.defaults()))) {
            Topology compiled = PipelineTopology.build(spec, serde, serde, registry, name -> null);
            assertThat(structure(compiled)).isEqualTo(structure(replication));
            // and it behaves the same: same rows out for the same changes in, duplicates included
            assertThat(run(compiled, "replica.public.orders")).isEqualTo(run(replication, "replica.public.orders"));
        }
    }

    @Test
    void heartbeatsPassThroughRowByRowStepsToTheOutputButNotThroughAnAggregate() {
        try (TopologyTestDriver driver = driver(compile(ORDERS_PIPELINE))) {
            Heartbeat beat = new Heartbeat(500L, T0, 0, 1);
            input(driver).pipeInput(new TestRecord<>(null, null, beat.toHeaders(), T0));
            List<TestRecord<GenericRecord, GenericRecord>> out = output(driver, "clean.public.orders").readRecordsToList();
            assertThat(out).hasSize(1);
            assertThat(Heartbeat.from(out.get(0).headers())).contains(beat);
        }
        PipelineSpec dashboard = PipelineSpecParser.parse("""
                pipeline: dash
                source: {topics: [replica.public.orders], format: row}
                steps:
                  - aggregate: {window: 1m, group-by: [note], measures: {orders: count}}
                output: {topic: dash.out}
                """, "dash.yaml");
        assertThat(PipelineTopology.relaysHeartbeats(dashboard)).isFalse();
        assertThat(PipelineTopology.build(dashboard, serde, serde, registry, name -> null).describe().toString())
                .doesNotContain("heartbeat");
    }

    @Test
    void ordersPipelineDedupesChecksFiltersProjectsRenamesAndMasks() throws Exception {
        try (TopologyTestDriver driver = driver(compile(ORDERS_PIPELINE))) {
            TestInputTopic<GenericRecord, GenericRecord> in = input(driver);
            GenericRecord first = orders.insert(1, "10.00", 100L, T0);
            in.pipeInput(orders.key(1), first, T0);
            in.pipeInput(orders.key(1), first, T0); // redelivered
            in.pipeInput(orders.key(2), orders.insert(2, "-5.00", 101L, T0 + 1), T0 + 1); // breaks amount >= 0
            in.pipeInput(orders.key(3), orders.update(3, "1.00", "2.00", 102L, T0 + 2), T0 + 2); // note "changed"
            in.pipeInput(orders.key(1), orders.delete(1, "10.00", 103L, T0 + 3), T0 + 3); // filtered out
            in.pipeInput(orders.key(4), orders.insert(4, "4.00", 104L, T0 + 600_000), T0 + 600_000);
            in.pipeInput(orders.key(5), orders.insert(5, "5.00", 105L, T0 + 4), T0 + 4); // behind the watermark

            List<TestRecord<GenericRecord, GenericRecord>> rows = output(driver, "clean.public.orders").readRecordsToList();
            assertThat(rows).extracting(r -> r.value().get("__version")).containsExactly(100L, 102L, 104L);
            Schema schema = rows.get(0).value().getSchema();
            assertThat(schema.getFields()).extracting(Schema.Field::name).containsExactly("id", "total", "note",
                    "__version");
            assertThat(schema.getField("total").schema().getProp("connect.name"))
                    .isEqualTo("org.apache.kafka.connect.data.Decimal");
            assertThat(rows.get(0).value().get("note")).isNull();
            assertThat(rows.get(1).value().get("note").toString()).isEqualTo(hmac("changed")).hasSize(64);
            assertThat(rows.get(1).key()).isEqualTo(orders.key(3));
            assertThat(rows.get(1).timestamp()).isEqualTo(T0 + 2);

            List<TestRecord<GenericRecord, GenericRecord>> quarantined =
                    output(driver, "orders-clean.quarantine").readRecordsToList();
            assertThat(quarantined).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo(orders.key(2));
                assertThat(header(r, ExpectStep.HEADER_RULE)).isEqualTo("checks: amount in range [0, +inf]");
            });
            List<TestRecord<GenericRecord, GenericRecord>> late = output(driver, "orders-clean.late").readRecordsToList();
            assertThat(late).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo(orders.key(5));
                assertThat(header(r, WindowedDedupe.HEADER_LATE_REASON)).contains("behind the watermark");
            });
            assertThat(counter(TransformMetrics.RECORDS_IN)).isEqualTo(7.0);
            assertThat(counter(TransformMetrics.DUPLICATES)).isEqualTo(1.0);
            assertThat(counter(TransformMetrics.QUARANTINED)).isEqualTo(1.0);
            assertThat(counter(TransformMetrics.LATE)).isEqualTo(1.0);
            assertThat(counter(TransformMetrics.RECORDS_OUT)).isEqualTo(3.0);
        }
    }

    @Test
    void duplicatesLateAndQuarantinedAreCountedPerStepBesideThePipelineTotals() {
        String spec = ORDERS_PIPELINE.replace("  - filter:",
                "  - expect: {name: notes, rules: [{field: note, not-null: true}]}\n  - filter:");
        try (TopologyTestDriver driver = driver(compile(spec))) {
            TestInputTopic<GenericRecord, GenericRecord> in = input(driver);
            GenericRecord first = orders.insert(1, "10.00", 100L, T0); // no note: breaks 'notes'
            in.pipeInput(orders.key(1), first, T0);
            in.pipeInput(orders.key(1), first, T0); // redelivered
            in.pipeInput(orders.key(2), orders.insert(2, "-5.00", 101L, T0 + 1), T0 + 1); // breaks 'checks'
            in.pipeInput(orders.key(3), orders.update(3, "1.00", "2.00", 102L, T0 + 2), T0 + 2); // passes both
            in.pipeInput(orders.key(4), orders.insert(4, "4.00", 104L, T0 + 600_000), T0 + 600_000); // breaks 'notes'
            in.pipeInput(orders.key(5), orders.insert(5, "5.00", 105L, T0 + 4), T0 + 4); // behind the watermark

            assertThat(output(driver, "orders-clean.quarantine").readRecordsToList())
                    .extracting(r -> header(r, ExpectStep.HEADER_RULE))
                    .containsExactly("notes: note not null", "checks: amount in range [0, +inf]", "notes: note not null");
            assertThat(stepCounter(TransformMetrics.STEP_DUPLICATES, "dedupe")).isEqualTo(1.0);
            assertThat(stepCounter(TransformMetrics.STEP_LATE, "dedupe")).isEqualTo(1.0);
            assertThat(stepCounter(TransformMetrics.STEP_QUARANTINED, "checks")).isEqualTo(1.0);
            assertThat(stepCounter(TransformMetrics.STEP_QUARANTINED, "notes")).isEqualTo(2.0);
            // the totals count every step
            assertThat(counter(TransformMetrics.DUPLICATES)).isEqualTo(1.0);
            assertThat(counter(TransformMetrics.LATE)).isEqualTo(1.0);
            assertThat(counter(TransformMetrics.QUARANTINED)).isEqualTo(3.0);
            // steps that dropped or diverted nothing of a kind have no such counter
            assertThat(registry.find(TransformMetrics.STEP_QUARANTINED).tag("step", "dedupe").counter()).isNull();
            assertThat(registry.find(TransformMetrics.STEP_DUPLICATES).tag("step", "checks").counter()).isNull();
        }
    }

    @Test
    void stepFailingOnARecordSendsItToTheDlqAndTheRestGoOn() {
        String spec = ORDERS_PIPELINE.replace("[id, amount, note, __version]", "[id, amount, note, __version, missing]")
                .replace("  - rename: {fields: {amount: total}}\n", "");
        try (TopologyTestDriver driver = driver(compile(spec))) {
            input(driver).pipeInput(orders.key(1), orders.insert(1, "10.00", 100L, T0), T0);

            assertThat(output(driver, "clean.public.orders").isEmpty()).isTrue();
            List<TestRecord<byte[], byte[]>> dlq = driver.createOutputTopic("orders-clean.dlq",
                    new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
            assertThat(dlq).singleElement().satisfies(r -> assertThat(new String(
                    r.headers().lastHeader("__streams.errors.message").value(), StandardCharsets.UTF_8))
                    .contains("Step 'project' names field 'missing'"));
        }
    }

    @Test
    void maskWithoutItsSaltFailsAtBuildNamingTheStepLineAndVariable() {
        PipelineSpec spec = PipelineSpecParser.parse(ORDERS_PIPELINE, "orders.yaml");

        assertThatThrownBy(() -> PipelineTopology.build(spec, serde, serde, registry, name -> null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Step 'mask' (line 15) hashes columns, but the environment variable TEST_SALT is not set;"
                        + " export it with a long random secret.");
    }

    @Test
    void quarantinedRowsSentBackReEnterBeforeTheirStepAndAreJudgedByTheFixedRule() {
        TestRecord<GenericRecord, GenericRecord> quarantined;
        try (TopologyTestDriver driver = driver(compile(ORDERS_PIPELINE))) {
            input(driver).pipeInput(orders.key(2), orders.insert(2, "-5.00", 101L, T0 + 1), T0 + 1); // breaks amount >= 0
            quarantined = output(driver, "orders-clean.quarantine").readRecord();
            assertThat(header(quarantined, Requeue.HEADER_PARTITION)).isEqualTo("0");
        }
        // the rule is fixed (same step name), and the pipeline runs again with it
        try (TopologyTestDriver driver = driver(compile(ORDERS_PIPELINE.replace("min: 0", "min: -10")))) {
            TestInputTopic<GenericRecord, GenericRecord> requeue = driver.createInputTopic("orders-clean.requeue",
                    serde.serializer(), serde.serializer());
            Headers back = new RecordHeaders(quarantined.headers().toArray());
            back.add(Requeue.HEADER_STEP, "checks".getBytes(StandardCharsets.UTF_8));
            requeue.pipeInput(new TestRecord<>(quarantined.key(), quarantined.value(), back, quarantined.timestamp()));
            Headers gone = new RecordHeaders().add(Requeue.HEADER_STEP, "gone".getBytes(StandardCharsets.UTF_8));
            requeue.pipeInput(new TestRecord<>(quarantined.key(), quarantined.value(), gone, quarantined.timestamp()));

            List<TestRecord<GenericRecord, GenericRecord>> rows = output(driver, "clean.public.orders").readRecordsToList();
            assertThat(rows).singleElement().satisfies(r -> {
                assertThat(r.key()).isEqualTo(orders.key(2));
                assertThat(r.value().getSchema().getFields()).extracting(Schema.Field::name)
                        .containsExactly("id", "total", "note", "__version");
                assertThat(r.value().get("__version")).isEqualTo(101L);
                // passed the later steps too (projected, renamed), and no requeue or quarantine header travels on
                assertThat(r.headers().lastHeader(Requeue.HEADER_STEP)).isNull();
                assertThat(r.headers().lastHeader(ExpectStep.HEADER_RULE)).isNull();
            });
            assertThat(output(driver, "orders-clean.quarantine").isEmpty()).isTrue();
            // a record for a step the pipeline no longer has is not dropped: it is dead-lettered with the reason
            List<TestRecord<byte[], byte[]>> dead = driver.createOutputTopic("orders-clean.dlq",
                    new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
            assertThat(dead).singleElement().satisfies(r -> assertThat(new String(
                    r.headers().lastHeader("__streams.errors.message").value(), StandardCharsets.UTF_8))
                    .contains("for step 'gone', which pipeline orders-clean no longer has"));
        }
    }

    @Test
    void storesAndProcessorsAreNamedAfterTheSteps() {
        TopologyDescription description = compile(ORDERS_PIPELINE).describe();

        Set<String> stores = new TreeSet<>();
        description.subtopologies().forEach(s -> s.nodes().forEach(n -> {
            if (n instanceof TopologyDescription.Processor p) {
                stores.addAll(p.stores());
            }
        }));
        assertThat(stores).containsExactly("dedupe-window");
        assertThat(structure(compile(ORDERS_PIPELINE))).anyMatch(s -> s.startsWith("checks-quarantine-sink"))
                .anyMatch(s -> s.startsWith("dedupe-late-sink"));
    }

    private Topology compile(String yaml) {
        return PipelineTopology.build(PipelineSpecParser.parse(yaml, "orders.yaml"), serde, serde, registry,
                Map.of("TEST_SALT", SALT)::get);
    }

    private List<String> run(Topology topology, String outputTopic) {
        try (TopologyTestDriver driver = driver(topology)) {
            TestInputTopic<GenericRecord, GenericRecord> in = input(driver);
            GenericRecord insert = orders.insert(1, "1.00", 100L, T0);
            in.pipeInput(orders.key(1), insert, T0);
            in.pipeInput(orders.key(1), orders.update(1, "1.00", "2.00", 101L, T0 + 5), T0 + 5);
            in.pipeInput(orders.key(1), insert, T0);
            in.pipeInput(orders.key(1), orders.delete(1, "2.00", 102L, T0 + 9), T0 + 9);
            return output(driver, outputTopic).readRecordsToList().stream()
                    .map(r -> r.key() + " " + r.value() + " @" + r.timestamp()).toList();
        }
    }

    private TopologyTestDriver driver(Topology topology) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "pipeline-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.putAll(DeadLetters.streamsConfig("orders-clean"));
        return new TopologyTestDriver(topology, props);
    }

    private TestInputTopic<GenericRecord, GenericRecord> input(TopologyTestDriver driver) {
        return driver.createInputTopic(orders.topic("sluice"), serde.serializer(), serde.serializer());
    }

    private TestOutputTopic<GenericRecord, GenericRecord> output(TopologyTestDriver driver, String topic) {
        return driver.createOutputTopic(topic, serde.deserializer(), serde.deserializer());
    }

    /** Every node as "name -> successors [stores]": what decides state and changelog names. */
    private static Set<String> structure(Topology topology) {
        Set<String> nodes = new TreeSet<>();
        for (TopologyDescription.Subtopology sub : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                Set<String> next = new TreeSet<>();
                node.successors().forEach(s -> next.add(s.name()));
                Set<String> stores = node instanceof TopologyDescription.Processor p ? new TreeSet<>(p.stores()) : Set.of();
                nodes.add(node.name() + " -> " + next + " " + stores);
            }
        }
        return nodes;
    }

    private static String header(TestRecord<?, ?> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static String hmac(String value) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SALT.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    }

    private double counter(String name) {
        return registry.get(name).tag("pipeline", "orders-clean").counter().count();
    }

    private double stepCounter(String name, String step) {
        return registry.get(name).tag("pipeline", "orders-clean").tag("step", step).counter().count();
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = PipelineTopologyTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
