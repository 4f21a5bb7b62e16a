package dev.sluice.transforms.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transforms.metrics.TransformMetrics;
import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import dev.sluice.transforms.testkit.SelfDescribingAvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

/** The aggregate step's windows, measures and emission, driven record by record. */
class AggregateWindowsTest {

    private static final long T0 = 1_700_000_040_000L - 1_700_000_040_000L % 60_000; // a minute boundary

    private static final Schema KEY = new Schema.Parser().parse("""
            {"type":"record","name":"Key","namespace":"t","fields":[{"name":"id","type":"int"}]}""");
    private static final Schema ORDER = new Schema.Parser().parse("""
            {"type":"record","name":"Order","namespace":"t","fields":[
              {"name":"id","type":"int"},{"name":"region","type":"string"},
              {"name":"amount","type":["null","double"],"default":null},
              {"name":"created_at","type":{"type":"long","connect.name":"io.debezium.time.MicroTimestamp"}},
              {"name":"__source_ts","type":"long"},{"name":"__deleted","type":"boolean"}]}""");

    private final SelfDescribingAvroSerde serde = new SelfDescribingAvroSerde();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void minAndMaxForgetTheValuesThatUpdatesAndDeletesRemove() {
        try (TopologyTestDriver driver = driver(aggregate("window: 1m", "group-by: [region]",
                "measures: {orders: count, low: {min: amount}, high: {max: amount}, avg: {avg: amount}}"))) {
            TestInputTopic<GenericRecord, GenericRecord> orders = input(driver);
            orders.pipeInput(key(1), order(1, "north", 10.0, T0 + 1_000, false), T0 + 1_000);
            orders.pipeInput(key(2), order(2, "north", 30.0, T0 + 2_000, false), T0 + 2_000);
            orders.pipeInput(key(3), order(3, "north", 20.0, T0 + 3_000, false), T0 + 3_000);
            orders.pipeInput(key(4), order(4, "north", 30.0, T0 + 3_500, false), T0 + 3_500); // the max twice
            orders.pipeInput(key(2), order(2, "north", 15.0, T0 + 2_000, false), T0 + 4_000); // one 30 lowered
            assertThat(latest(driver)).containsEntry(window(T0, "north"), "orders=4 low=10.0 high=30.0 avg=18.75");
            orders.pipeInput(key(4), order(4, "north", 30.0, T0 + 3_500, true), T0 + 5_000); // the other deleted
            orders.pipeInput(key(1), order(1, "north", null, T0 + 1_000, false), T0 + 6_000); // the min nulled
            // SQL over the rows left: 2 -> 15, 3 -> 20, 1 -> null
            assertThat(latest(driver)).containsEntry(window(T0, "north"), "orders=3 low=15.0 high=20.0 avg=17.5");
        }
    }

    @Test
    void aHoppingWindowCountsEachRowInEveryWindowHoldingIt() {
        try (TopologyTestDriver driver = driver(aggregate("window: 1m", "advance: 20s",
                "measures: {orders: count, revenue: {sum: amount}}"))) {
            TestInputTopic<GenericRecord, GenericRecord> orders = input(driver);
            orders.pipeInput(key(1), order(1, "x", 1.0, T0 + 10_000, false), T0 + 10_000);
            orders.pipeInput(key(2), order(2, "x", 2.0, T0 + 50_000, false), T0 + 50_000);
            orders.pipeInput(key(1), order(1, "x", 1.0, T0 + 70_000, false), T0 + 70_000); // moves to a later time
            Map<String, String> latest = latest(driver);
            // windows [T0-40s,T0+20s) [T0-20s,T0+40s) [T0,T0+60s) [T0+20s,..) [T0+40s,..) [T0+60s,..)
            assertThat(latest).containsEntry(window(T0 - 40_000), "orders=0 revenue=0.0")
                    .containsEntry(window(T0 - 20_000), "orders=0 revenue=0.0")
                    .containsEntry(window(T0), "orders=1 revenue=2.0")
                    .containsEntry(window(T0 + 20_000), "orders=2 revenue=3.0")
                    .containsEntry(window(T0 + 40_000), "orders=2 revenue=3.0")
                    .containsEntry(window(T0 + 60_000), "orders=1 revenue=1.0")
                    .hasSize(6);
        }
    }

    @Test
    void aBusinessTimestampColumnPlacesRowsInWindowsRegardlessOfCommitTime() {
        try (TopologyTestDriver driver = driver(aggregate("window: 1m", "time-field: created_at",
                "measures: {orders: count}"))) {
            TestInputTopic<GenericRecord, GenericRecord> orders = input(driver);
            // committed in the second minute, created (micro-timestamps) in the first
            orders.pipeInput(key(1), order(1, "x", 1.0, T0 + 5_000, T0 + 65_000, false), T0 + 65_000);
            orders.pipeInput(key(2), order(2, "x", 1.0, T0 + 6_000, T0 + 66_000, false), T0 + 66_000);
            assertThat(latest(driver)).containsExactly(Map.entry(window(T0), "orders=2"));
        }
    }

    @Test
    void emitFinalSendsOneRowPerWindowAtCloseAndSendsLaterChangesToLate() {
        try (TopologyTestDriver driver = driver(aggregate("window: 1m", "allowed-lateness: 10s", "emit: final",
                "group-by: [region]", "measures: {orders: count, revenue: {sum: amount}}"))) {
            TestInputTopic<GenericRecord, GenericRecord> orders = input(driver);
            TestOutputTopic<GenericRecord, GenericRecord> out = output(driver);
            orders.pipeInput(key(1), order(1, "north", 10.0, T0 + 1_000, false), T0 + 1_000);
            orders.pipeInput(key(2), order(2, "south", 20.0, T0 + 2_000, false), T0 + 2_000);
            orders.pipeInput(key(1), order(1, "north", 12.0, T0 + 1_000, false), T0 + 3_000);
            orders.pipeInput(key(3), order(3, "north", 5.0, T0 + 65_000, false), T0 + 65_000); // within the grace
            assertThat(out.isEmpty()).isTrue();
            orders.pipeInput(key(2), order(2, "south", 21.0, T0 + 2_000, false), T0 + 66_000); // still in time
            orders.pipeInput(key(4), order(4, "north", 1.0, T0 + 70_000, false), T0 + 70_000); // closes [T0, T0+1m)
            assertThat(render(out.readRecordsToList())).containsExactlyInAnyOrder(
                    window(T0, "north") + " orders=1 revenue=12.0", window(T0, "south") + " orders=1 revenue=21.0");

            orders.pipeInput(key(1), order(1, "north", 99.0, T0 + 1_000, false), T0 + 71_000); // too late
            assertThat(out.isEmpty()).isTrue();
            List<TestRecord<GenericRecord, GenericRecord>> late = driver.createOutputTopic("dash.late",
                    serde.deserializer(), serde.deserializer()).readRecordsToList();
            // the retraction of the old version and the new version: both too late, both kept with the reason
            assertThat(late).hasSize(2).allSatisfy(r -> assertThat(new String(
                    r.headers().lastHeader("sluice.late.reason").value(), StandardCharsets.UTF_8))
                    .contains("the window [" + T0 + ", " + (T0 + 60_000) + ") closed"));
            assertThat(late).extracting(r -> r.value().get("amount")).containsExactly(12.0, 99.0);
            assertThat(registry.counter(TransformMetrics.LATE, "pipeline", "dash").count()).isEqualTo(2);
        }
    }

    @Test
    void rateLimitedUpdatesSendEachChangedGroupOncePerInterval() {
        try (TopologyTestDriver driver = driver(aggregate("window: 1m", "rate-limit: 1s", "group-by: [region]",
                "measures: {orders: count}"))) {
            TestInputTopic<GenericRecord, GenericRecord> orders = input(driver);
            TestOutputTopic<GenericRecord, GenericRecord> out = output(driver);
            for (int i = 1; i <= 5; i++) {
                orders.pipeInput(key(i), order(i, "north", 1.0, T0 + i, false), T0 + i);
            }
            orders.pipeInput(key(9), order(9, "south", 1.0, T0 + 9, false), T0 + 9);
            assertThat(out.isEmpty()).isTrue();
            driver.advanceWallClockTime(Duration.ofSeconds(1));
            assertThat(render(out.readRecordsToList())).containsExactlyInAnyOrder(
                    window(T0, "north") + " orders=5", window(T0, "south") + " orders=1");
            driver.advanceWallClockTime(Duration.ofSeconds(1));
            assertThat(out.isEmpty()).isTrue(); // nothing changed
            orders.pipeInput(key(1), order(1, "north", 1.0, T0 + 1, true), T0 + 20);
            driver.advanceWallClockTime(Duration.ofSeconds(1));
            assertThat(render(out.readRecordsToList())).containsExactly(window(T0, "north") + " orders=4");
        }
    }

    @Test
    void aWindowClosesAndEmitsAfterTheInputHasBeenIdle() {
        try (TopologyTestDriver driver = driver(aggregate("window: 1m", "allowed-lateness: 5s", "emit: final",
                "idle-timeout: 10s", "measures: {orders: count}"))) {
            TestInputTopic<GenericRecord, GenericRecord> orders = input(driver);
            TestOutputTopic<GenericRecord, GenericRecord> out = output(driver);
            orders.pipeInput(key(1), order(1, "x", 1.0, T0 + 50_000, false), T0 + 50_000);
            orders.pipeInput(key(2), order(2, "x", 1.0, T0 + 58_000, false), T0 + 58_000);
            driver.advanceWallClockTime(Duration.ofSeconds(5));
            assertThat(out.isEmpty()).isTrue(); // not idle long enough
            driver.advanceWallClockTime(Duration.ofSeconds(10)); // 15 s idle: stream time ~ T0+73s, past end + grace
            assertThat(render(out.readRecordsToList())).containsExactly(window(T0) + " orders=2");
            driver.advanceWallClockTime(Duration.ofSeconds(10));
            assertThat(out.isEmpty()).isTrue(); // emitted once

            // a change still within the grace by event time corrects the window when records close it
            orders.pipeInput(key(3), order(3, "x", 1.0, T0 + 59_000, false), T0 + 59_000);
            orders.pipeInput(key(4), order(4, "x", 1.0, T0 + 80_000, false), T0 + 80_000);
            assertThat(render(out.readRecordsToList())).containsExactly(window(T0) + " orders=3");
        }
    }

    private static String aggregate(String... settings) {
        StringBuilder yaml = new StringBuilder("""
                pipeline: dash
                source: {topics: [replica.public.orders], format: row}
                steps:
                  - aggregate:
                """);
        for (String setting : settings) {
            yaml.append("      ").append(setting).append('\n');
        }
        return yaml.append("output: {topic: dash.out}\n").toString();
    }

    private TopologyTestDriver driver(String yaml) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "aggregate-windows-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        return new TopologyTestDriver(PipelineTopology.build(PipelineSpecParser.parse(yaml, "test.yaml"), serde, serde,
                registry, name -> null), props);
    }

    private TestInputTopic<GenericRecord, GenericRecord> input(TopologyTestDriver driver) {
        return driver.createInputTopic("replica.public.orders", serde.serializer(), serde.serializer());
    }

    private TestOutputTopic<GenericRecord, GenericRecord> output(TopologyTestDriver driver) {
        return driver.createOutputTopic("dash.out", serde.deserializer(), serde.deserializer());
    }

    private Map<String, String> latest(TopologyTestDriver driver) {
        Map<String, String> latest = new LinkedHashMap<>();
        for (TestRecord<GenericRecord, GenericRecord> r : output(driver).readRecordsToList()) {
            String rendered = render(r);
            int split = rendered.indexOf(' ');
            latest.put(rendered.substring(0, split), rendered.substring(split + 1));
        }
        return latest;
    }

    private static List<String> render(List<TestRecord<GenericRecord, GenericRecord>> records) {
        return records.stream().map(AggregateWindowsTest::render).toList();
    }

    /** "start[/group] measure=value ...", measures in output order. */
    private static String render(TestRecord<GenericRecord, GenericRecord> record) {
        GenericRecord value = record.value();
        StringBuilder text = new StringBuilder().append(value.get("window_start"));
        List<Schema.Field> fields = value.getSchema().getFields();
        int measuresFrom = 2;
        if (value.getSchema().getField("region") != null) {
            text.append('/').append(value.get("region"));
            measuresFrom = 3;
        }
        for (Schema.Field field : fields.subList(measuresFrom, fields.size() - 2)) { // not __version, __deleted
            text.append(' ').append(field.name()).append('=').append(value.get(field.pos()));
        }
        return text.toString();
    }

    private static String window(long start) {
        return String.valueOf(start);
    }

    private static String window(long start, String region) {
        return start + "/" + region;
    }

    private static GenericRecord key(int id) {
        GenericData.Record key = new GenericData.Record(KEY);
        key.put("id", id);
        return key;
    }

    private static GenericRecord order(int id, String region, Double amount, long ts, boolean deleted) {
        return order(id, region, amount, ts, ts, deleted);
    }

    private static GenericRecord order(int id, String region, Double amount, long createdAt, long committed,
                                       boolean deleted) {
        GenericData.Record row = new GenericData.Record(ORDER);
        row.put("id", id);
        row.put("region", region);
        row.put("amount", amount);
        row.put("created_at", createdAt * 1000);
        row.put("__source_ts", committed);
        row.put("__deleted", deleted);
        return row;
    }
}
