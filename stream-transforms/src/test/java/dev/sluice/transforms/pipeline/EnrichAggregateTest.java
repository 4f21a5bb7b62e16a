package dev.sluice.transforms.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import dev.sluice.transforms.testkit.SelfDescribingAvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

class EnrichAggregateTest {

    private static final long T0 = 1_700_000_040_000L - 1_700_000_040_000L % 60_000; // a minute boundary

    private static final Schema KEY = new Schema.Parser().parse("""
            {"type":"record","name":"Key","namespace":"t","fields":[{"name":"id","type":"int"}]}""");
    private static final Schema ORDER = new Schema.Parser().parse("""
            {"type":"record","name":"Order","namespace":"t","fields":[
              {"name":"id","type":"int"},{"name":"customer_id","type":"int"},{"name":"region","type":"string"},
              {"name":"amount","type":"double"},{"name":"__source_ts","type":"long"},
              {"name":"__deleted","type":"boolean"}]}""");
    private static final Schema CUSTOMER = new Schema.Parser().parse("""
            {"type":"record","name":"Customer","namespace":"t","fields":[
              {"name":"id","type":"int"},{"name":"name","type":"string"},{"name":"region","type":"string"},
              {"name":"__deleted","type":"boolean"}]}""");

    private final SelfDescribingAvroSerde serde = new SelfDescribingAvroSerde();

    @Test
    void factIsEnrichedAndReEmittedWhenItsDimensionChanges() {
        String spec = """
                pipeline: enriched
                source: {topics: [replica.public.orders], format: row}
                steps:
                  - enrich:
                      table: replica.public.customers
                      foreign-key: customer_id
                      columns: {name: customer_name, region: customer_region}
                output: {topic: enriched.orders}
                """;
        try (TopologyTestDriver driver = driver(spec)) {
            TestInputTopic<GenericRecord, GenericRecord> orders = input(driver, "replica.public.orders");
            TestInputTopic<GenericRecord, GenericRecord> customers = input(driver, "replica.public.customers");
            TestOutputTopic<GenericRecord, GenericRecord> out =
                    driver.createOutputTopic("enriched.orders", serde.deserializer(), serde.deserializer());

            customers.pipeInput(key(7), customer(7, "Ann", "north", false), T0);
            orders.pipeInput(key(1), order(1, 7, "x", 10, T0, false), T0);
            assertThat(render(out.readRecordsToList())).containsExactly("1 customer 7 Ann north");

            orders.pipeInput(key(2), order(2, 8, "x", 20, T0, false), T0 + 1);
            assertThat(out.isEmpty()).isTrue(); // held back until its customer is known
            customers.pipeInput(key(8), customer(8, "Bob", "east", false), T0 + 2);
            assertThat(render(out.readRecordsToList())).containsExactly("2 customer 8 Bob east");

            customers.pipeInput(key(7), customer(7, "Ann", "south", false), T0 + 3); // the dimension changes
            assertThat(render(out.readRecordsToList())).containsExactly("1 customer 7 Ann south");

            orders.pipeInput(key(1), order(1, 8, "x", 10, T0 + 4, false), T0 + 4); // the fact changes its key
            List<TestRecord<GenericRecord, GenericRecord>> moved = out.readRecordsToList();
            assertThat(render(moved)).containsExactly("1 customer 8 Bob east");
            assertThat(moved.get(0).value().getSchema().getFields()).extracting(Schema.Field::name).containsExactly(
                    "id", "customer_id", "region", "amount", "__source_ts", "__deleted", "customer_name",
                    "customer_region");
        }
    }

    @Test
    void tumblingAggregatesRetractUpdatesAndDeletesAndMatchTheCurrentRows() {
        String spec = """
                pipeline: dash
                source: {topics: [replica.public.orders], format: row}
                steps:
                  - aggregate:
                      window: 1m
                      group-by: [region]
                      measures: {orders: count, revenue: {sum: amount}, avg_amount: {avg: amount}}
                output: {topic: dash.revenue}
                """;
        try (TopologyTestDriver driver = driver(spec)) {
            TestInputTopic<GenericRecord, GenericRecord> orders = input(driver, "replica.public.orders");
            orders.pipeInput(key(1), order(1, 0, "north", 10, T0 + 1_000, false), T0 + 1_000);
            orders.pipeInput(key(2), order(2, 0, "north", 20, T0 + 2_000, false), T0 + 2_000);
            orders.pipeInput(key(3), order(3, 0, "south", 5, T0 + 3_000, false), T0 + 3_000);
            orders.pipeInput(key(1), order(1, 0, "north", 15, T0 + 1_000, false), T0 + 4_000); // amount changes
            orders.pipeInput(key(2), order(2, 0, "south", 20, T0 + 2_000, false), T0 + 5_000); // moves group
            orders.pipeInput(key(3), order(3, 0, "south", 5, T0 + 3_000, true), T0 + 6_000); // deleted
            orders.pipeInput(key(4), order(4, 0, "north", 1, T0 + 61_000, false), T0 + 61_000); // next window

            Map<String, String> latest = new LinkedHashMap<>();
            driver.createOutputTopic("dash.revenue", serde.deserializer(), serde.deserializer()).readRecordsToList()
                    .forEach(r -> latest.put(r.key().toString(), summary(r.value())));
            // what SQL over the current rows says: north {1: 15}, south {2: 20} in the first minute; north {4: 1}
            assertThat(latest).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "{\"window_start\": " + T0 + ", \"region\": \"north\"}", "count 1 sum 15.0 avg 15.0",
                    "{\"window_start\": " + T0 + ", \"region\": \"south\"}", "count 1 sum 20.0 avg 20.0",
                    "{\"window_start\": " + (T0 + 60_000) + ", \"region\": \"north\"}", "count 1 sum 1.0 avg 1.0"));
        }
    }

    @Test
    void anAggregateOverAnEnrichedStreamRetractsFactsThatLeaveTheJoin() {
        String spec = """
                pipeline: dash
                source: {topics: [replica.public.orders], format: row}
                steps:
                  - enrich:
                      table: replica.public.customers
                      foreign-key: customer_id
                      columns: {region: customer_region}
                  - aggregate:
                      window: 1m
                      group-by: [customer_region]
                      measures: {orders: count, revenue: {sum: amount}}
                output: {topic: dash.revenue}
                """;
        try (TopologyTestDriver driver = driver(spec)) {
            TestInputTopic<GenericRecord, GenericRecord> orders = input(driver, "replica.public.orders");
            TestInputTopic<GenericRecord, GenericRecord> customers = input(driver, "replica.public.customers");
            customers.pipeInput(key(7), customer(7, "Ann", "north", false), T0);
            customers.pipeInput(key(8), customer(8, "Bob", "south", false), T0);
            orders.pipeInput(key(1), order(1, 7, "x", 10, T0 + 1_000, false), T0 + 1_000);
            orders.pipeInput(key(2), order(2, 7, "x", 20, T0 + 2_000, false), T0 + 2_000);
            orders.pipeInput(key(3), order(3, 8, "x", 5, T0 + 3_000, false), T0 + 3_000);
            // a delete carries only its key (other columns as the source's before-image gives them)
            orders.pipeInput(key(2), order(2, 0, "", 0, T0 + 2_000, true), T0 + 4_000);
            customers.pipeInput(key(8), customer(8, "Bob", "south", true), T0 + 5_000); // order 3 leaves the join

            Map<String, String> latest = new LinkedHashMap<>();
            driver.createOutputTopic("dash.revenue", serde.deserializer(), serde.deserializer()).readRecordsToList()
                    .forEach(r -> latest.put(r.key().get("customer_region").toString(), r.value().get("orders") + " "
                            + r.value().get("revenue") + " " + r.value().get("__deleted")));
            // SQL: SELECT region, count(*), sum(amount) FROM orders JOIN customers ... -> north 1 10
            assertThat(latest).containsExactlyInAnyOrderEntriesOf(Map.of("north", "1 10.0 false",
                    "south", "0 0.0 true"));
        }
    }

    private TopologyTestDriver driver(String yaml) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "enrich-aggregate-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0); // every update out, to see each step
        return new TopologyTestDriver(PipelineTopology.build(PipelineSpecParser.parse(yaml, "test.yaml"), serde, serde,
                new SimpleMeterRegistry(), name -> null), props);
    }

    private TestInputTopic<GenericRecord, GenericRecord> input(TopologyTestDriver driver, String topic) {
        return driver.createInputTopic(topic, serde.serializer(), serde.serializer());
    }

    private static GenericRecord key(int id) {
        GenericData.Record key = new GenericData.Record(KEY);
        key.put("id", id);
        return key;
    }

    private static GenericRecord order(int id, int customer, String region, double amount, long ts, boolean deleted) {
        GenericData.Record row = new GenericData.Record(ORDER);
        row.put("id", id);
        row.put("customer_id", customer);
        row.put("region", region);
        row.put("amount", amount);
        row.put("__source_ts", ts);
        row.put("__deleted", deleted);
        return row;
    }

    private static GenericRecord customer(int id, String name, String region, boolean deleted) {
        GenericData.Record row = new GenericData.Record(CUSTOMER);
        row.put("id", id);
        row.put("name", name);
        row.put("region", region);
        row.put("__deleted", deleted);
        return row;
    }

    private static List<String> render(List<TestRecord<GenericRecord, GenericRecord>> records) {
        return records.stream().map(r -> r.key().get("id") + " customer " + r.value().get("customer_id") + " "
                + r.value().get("customer_name") + " " + r.value().get("customer_region")).toList();
    }

    private static String summary(GenericRecord value) {
        return "count " + value.get("orders") + " sum " + value.get("revenue") + " avg " + value.get("avg_amount");
    }
}
