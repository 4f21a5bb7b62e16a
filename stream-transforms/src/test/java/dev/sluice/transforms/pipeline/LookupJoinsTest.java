package dev.sluice.transforms.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transforms.metrics.TransformMetrics;
import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import dev.sluice.transforms.testkit.SelfDescribingAvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/** The enrich step's lookup joins: temporal (versioned store) and global. */
class LookupJoinsTest {

    private static final long T0 = 1_700_000_000_000L;

    private static final Schema KEY = new Schema.Parser().parse("""
            {"type":"record","name":"Key","namespace":"t","fields":[{"name":"id","type":"int"}]}""");
    private static final Schema ORDER = new Schema.Parser().parse("""
            {"type":"record","name":"Order","namespace":"t","fields":[
              {"name":"id","type":"int"},{"name":"customer_id","type":"int"},{"name":"__deleted","type":"boolean"}]}""");
    private static final Schema CUSTOMER = new Schema.Parser().parse("""
            {"type":"record","name":"Customer","namespace":"t","fields":[
              {"name":"id","type":"int"},{"name":"region","type":"string"},{"name":"__deleted","type":"boolean"}]}""");

    private final SelfDescribingAvroSerde serde = new SelfDescribingAvroSerde();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void aTemporalJoinPicksTheDimensionVersionValidAtTheEventTime() {
        try (TopologyTestDriver driver = driver("temporal")) {
            TestInputTopic<GenericRecord, GenericRecord> orders = input(driver, "replica.public.orders");
            TestInputTopic<GenericRecord, GenericRecord> customers = input(driver, "replica.public.customers");
            customers.pipeInput(key(7), customer(7, "north", false), T0);
            customers.pipeInput(key(7), customer(7, "south", false), T0 + 10_000);
            customers.pipeInput(key(7), customer(7, "west", false), T0 + 20_000);
            customers.pipeInput(key(7), customer(7, "west", true), T0 + 30_000); // deleted

            orders.pipeInput(key(1), order(1, 7), T0 + 5_000);
            orders.pipeInput(key(2), order(2, 7), T0 + 25_000);
            orders.pipeInput(key(3), order(3, 7), T0 + 15_000); // arrives after later versions, still gets its own
            orders.pipeInput(key(4), order(4, 7), T0 - 1); // before the customer existed
            orders.pipeInput(key(5), order(5, 7), T0 + 35_000); // after the customer was deleted

            assertThat(render(output(driver).readRecordsToList()))
                    .containsExactly("1 north", "2 west", "3 south");
            List<TestRecord<GenericRecord, GenericRecord>> quarantined = quarantine(driver);
            assertThat(quarantined).extracting(r -> r.key().get("id")).containsExactly(4, 5);
            assertThat(new String(quarantined.get(0).headers().lastHeader("sluice.quarantine.rule").value(),
                    StandardCharsets.UTF_8)).isEqualTo("enrich: no row in replica.public.customers with id = 7 valid at "
                    + (T0 - 1));
            assertThat(registry.counter(TransformMetrics.QUARANTINED, "pipeline", "enriched").count()).isEqualTo(2);
            // per step: five facts in, three enriched out (the other two quarantined)
            assertThat(registry.counter(TransformMetrics.STEP_IN, "pipeline", "enriched", "step", "enrich").count())
                    .isEqualTo(5);
            assertThat(registry.counter(TransformMetrics.STEP_OUT, "pipeline", "enriched", "step", "enrich").count())
                    .isEqualTo(3);
        }
    }

    @Test
    void aTemporalJoinWithGraceWaitsForADimensionChangeStillOnItsWay() {
        try (TopologyTestDriver driver = driver("temporal\n      grace: 10s")) {
            TestInputTopic<GenericRecord, GenericRecord> orders = input(driver, "replica.public.orders");
            TestInputTopic<GenericRecord, GenericRecord> customers = input(driver, "replica.public.customers");
            orders.pipeInput(key(1), order(1, 7), T0 + 5_000); // read before its customer's row
            customers.pipeInput(key(7), customer(7, "north", false), T0 + 1_000);
            orders.pipeInput(key(2), order(2, 7), T0 + 20_000); // stream time passes T0 + 5 s + grace
            assertThat(render(output(driver).readRecordsToList())).containsExactly("1 north");
            assertThat(quarantine(driver)).isEmpty();
        }
    }

    @Test
    void aGlobalLookupEnrichesWithTheCurrentDimensionRow() {
        try (TopologyTestDriver driver = driver("global")) {
            TestInputTopic<GenericRecord, GenericRecord> orders = input(driver, "replica.public.orders");
            TestInputTopic<GenericRecord, GenericRecord> customers = input(driver, "replica.public.customers");
            customers.pipeInput(key(7), customer(7, "north", false), T0 + 50_000);
            customers.pipeInput(key(8), customer(8, "east", false), T0);
            orders.pipeInput(key(1), order(1, 7), T0); // the current row, whatever its time
            orders.pipeInput(key(2), order(2, 9), T0); // unknown customer
            customers.pipeInput(key(7), customer(7, "south", false), T0 + 60_000);
            orders.pipeInput(key(3), order(3, 7), T0);
            customers.pipeInput(key(8), customer(8, "east", true), T0 + 60_000);
            orders.pipeInput(key(4), order(4, 8), T0);

            // order 1 is not re-emitted when customer 7 moves: a lookup, not a table-table join
            assertThat(render(output(driver).readRecordsToList())).containsExactly("1 north", "3 south");
            assertThat(quarantine(driver)).extracting(r -> r.key().get("id")).containsExactly(2, 4);
        }
    }

    private TopologyTestDriver driver(String join) {
        String yaml = """
                pipeline: enriched
                source: {topics: [replica.public.orders], format: row}
                steps:
                  - enrich:
                      table: replica.public.customers
                      foreign-key: customer_id
                      join: %s
                      columns: {region: customer_region}
                output: {topic: enriched.orders}
                """.formatted(join);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lookup-joins-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        return new TopologyTestDriver(PipelineTopology.build(PipelineSpecParser.parse(yaml, "test.yaml"), serde, serde,
                registry, name -> null), props);
    }

    private TestInputTopic<GenericRecord, GenericRecord> input(TopologyTestDriver driver, String topic) {
        return driver.createInputTopic(topic, serde.serializer(), serde.serializer());
    }

    private TestOutputTopic<GenericRecord, GenericRecord> output(TopologyTestDriver driver) {
        return driver.createOutputTopic("enriched.orders", serde.deserializer(), serde.deserializer());
    }

    private List<TestRecord<GenericRecord, GenericRecord>> quarantine(TopologyTestDriver driver) {
        return driver.createOutputTopic("enriched.quarantine", serde.deserializer(), serde.deserializer())
                .readRecordsToList();
    }

    private static List<String> render(List<TestRecord<GenericRecord, GenericRecord>> records) {
        return records.stream().map(r -> r.key().get("id") + " " + r.value().get("customer_region")).toList();
    }

    private static GenericRecord key(int id) {
        GenericData.Record key = new GenericData.Record(KEY);
        key.put("id", id);
        return key;
    }

    private static GenericRecord order(int id, int customer) {
        GenericData.Record row = new GenericData.Record(ORDER);
        row.put("id", id);
        row.put("customer_id", customer);
        row.put("__deleted", false);
        return row;
    }

    private static GenericRecord customer(int id, String region, boolean deleted) {
        GenericData.Record row = new GenericData.Record(CUSTOMER);
        row.put("id", id);
        row.put("region", region);
        row.put("__deleted", deleted);
        return row;
    }
}
