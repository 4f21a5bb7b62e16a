package dev.sluice.transforms.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transforms.metrics.TransformMetrics;
import dev.sluice.transforms.testkit.Envelopes;
import dev.sluice.transforms.testkit.SelfDescribingAvroSerde;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class WindowedDedupeTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long MINUTE = 60_000L;
    private static final String IN = "sluice.public.orders";

    private final Envelopes orders = Envelopes.forTable("public", "orders");
    private final SelfDescribingAvroSerde serde = new SelfDescribingAvroSerde();

    /** One driver with its topics and counters. */
    private final class Run implements AutoCloseable {
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final TransformMetrics metrics = TransformMetrics.of(registry, "p");
        final TopologyTestDriver driver;
        final TestInputTopic<GenericRecord, GenericRecord> in;
        final TestOutputTopic<GenericRecord, GenericRecord> out;
        final TestOutputTopic<GenericRecord, GenericRecord> late;

        Run(DedupeWindow window, EventIdExtractor ids) {
            StreamsBuilder builder = new StreamsBuilder();
            WindowedDedupe.apply(builder.stream(IN, Consumed.with(serde, serde)), "dedupe", window, ids,
                    metrics.duplicates(), metrics.late(), "p.late", Produced.with(serde, serde))
                    .to("out", Produced.with(serde, serde));
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "windowed-dedupe-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            driver = new TopologyTestDriver(builder.build(), props);
            in = driver.createInputTopic(IN, serde.serializer(), serde.serializer());
            out = driver.createOutputTopic("out", serde.deserializer(), serde.deserializer());
            late = driver.createOutputTopic("p.late", serde.deserializer(), serde.deserializer());
        }

        void pipe(GenericRecord envelope) {
            GenericRecord image = (GenericRecord) (envelope.get("after") != null ? envelope.get("after")
                    : envelope.get("before"));
            long ts = (Long) ((GenericRecord) envelope.get("source")).get("ts_ms");
            in.pipeInput(orders.key((Integer) image.get("id")), envelope, ts);
        }

        List<Long> passedLsns() {
            return out.readValuesToList().stream().map(WindowedDedupeTest::lsn).toList();
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    @Test
    void duplicatesInsideTheWindowAreDroppedAndCounted() {
        try (Run run = new Run(new DedupeWindow(Duration.ofMinutes(10), Duration.ofMinutes(5)), new ChangeEventId())) {
            GenericRecord insert = orders.insert(1, "1.00", 100L, T0);
            run.pipe(insert);
            run.pipe(orders.insert(2, "2.00", 101L, T0 + 3 * MINUTE));
            run.pipe(insert); // redelivered after stream time moved on, still within lateness
            run.pipe(insert);

            assertThat(run.passedLsns()).containsExactly(100L, 101L);
            assertThat(run.metrics.duplicates().count()).isEqualTo(2.0);
            assertThat(run.late.isEmpty()).isTrue();
        }
    }

    @Test
    void copiesFurtherApartThanTheWindowButNotLateAreTwoEvents() {
        // documented: same id, event times more than `window` apart = two events; both pass, none is late
        FieldEventId byId = new FieldEventId(List.of("after.id"));
        try (Run run = new Run(new DedupeWindow(Duration.ofMinutes(10), Duration.ofMinutes(30)), byId)) {
            run.pipe(orders.insert(1, "1.00", 100L, T0));
            run.pipe(orders.insert(1, "1.00", 200L, T0 + 11 * MINUTE));
            run.pipe(orders.insert(1, "1.00", 300L, T0 + 15 * MINUTE)); // 4 min after the second: a copy of it

            assertThat(run.passedLsns()).containsExactly(100L, 200L);
            assertThat(run.metrics.duplicates().count()).isEqualTo(1.0);
            assertThat(run.late.isEmpty()).isTrue();
        }
    }

    @Test
    void recordTooOldToCheckGoesToLateWithTheReasonAndIsCounted() {
        try (Run run = new Run(new DedupeWindow(Duration.ofMinutes(10), Duration.ofMinutes(1)), new ChangeEventId())) {
            GenericRecord early = orders.insert(1, "1.00", 100L, T0);
            run.pipe(early);
            run.pipe(orders.insert(2, "2.00", 200L, T0 + 5 * MINUTE)); // watermark T0 + 4 min
            GenericRecord unseen = orders.insert(3, "3.00", 150L, T0 + 2 * MINUTE);
            run.pipe(unseen);
            run.pipe(early); // late too, but its id is still remembered: a known duplicate, not "unchecked"

            assertThat(run.passedLsns()).containsExactly(100L, 200L);
            List<TestRecord<GenericRecord, GenericRecord>> late = run.late.readRecordsToList();
            assertThat(late).extracting(r -> lsn(r.value())).containsExactly(150L);
            String reason = new String(late.get(0).headers().lastHeader(WindowedDedupe.HEADER_LATE_REASON).value(),
                    StandardCharsets.UTF_8);
            assertThat(reason).contains("120000 ms behind the watermark").contains("not checked");
            assertThat(late.get(0).key()).isEqualTo(orders.key(3));
            assertThat(run.metrics.late().count()).isEqualTo(1.0);
            assertThat(run.metrics.duplicates().count()).isEqualTo(1.0);
        }
    }

    @Test
    void lateRecordWhoseIdMayBeForgottenIsNeverPassed() {
        try (Run run = new Run(new DedupeWindow(Duration.ofMinutes(10), Duration.ofMinutes(1)), new ChangeEventId())) {
            GenericRecord old = orders.insert(1, "1.00", 100L, T0);
            run.pipe(old);
            run.pipe(orders.insert(2, "2.00", 200L, T0 + 3 * 60 * MINUTE)); // far ahead: the old id is purgeable
            run.pipe(old);

            assertThat(run.passedLsns()).containsExactly(100L, 200L);
            assertThat(run.late.readValuesToList()).extracting(WindowedDedupeTest::lsn).containsExactly(100L);
        }
    }

    @Test
    void outOfOrderStreamWithinLatenessGivesTheSameResultAsTheSortedOne() {
        DedupeWindow window = new DedupeWindow(Duration.ofMinutes(5), Duration.ofMinutes(2));
        Random random = new Random(42);
        List<GenericRecord> events = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            GenericRecord event = orders.insert(i % 37, i + ".00", 1000L + i, T0 + random.nextInt(60) * MINUTE / 4);
            events.add(event);
            for (int copies = random.nextInt(3); copies > 0; copies--) {
                events.add(event);
            }
        }
        List<GenericRecord> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparingLong(WindowedDedupeTest::ts));
        // arrival = event time + a delay below the lateness: out of order, but never later than allowed
        long lateness = window.allowedLateness().toMillis();
        List<long[]> arrival = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            arrival.add(new long[] {ts(events.get(i)) + (long) (random.nextDouble() * lateness), i});
        }
        arrival.sort(Comparator.comparingLong(a -> a[0]));
        List<GenericRecord> shuffled = arrival.stream().map(a -> events.get((int) a[1])).toList();
        assertThat(shuffled).isNotEqualTo(sorted);

        Function<List<GenericRecord>, List<Long>> dedupe = stream -> {
            try (Run run = new Run(window, new ChangeEventId())) {
                stream.forEach(run::pipe);
                assertThat(run.late.isEmpty()).isTrue();
                assertThat(run.metrics.duplicates().count()).isEqualTo(events.size() - 400);
                return run.passedLsns().stream().sorted().toList();
            }
        };
        List<Long> fromSorted = dedupe.apply(sorted);
        assertThat(fromSorted).hasSize(400).doesNotHaveDuplicates();
        assertThat(dedupe.apply(shuffled)).isEqualTo(fromSorted);
    }

    private static long lsn(GenericRecord envelope) {
        return (Long) ((GenericRecord) envelope.get("source")).get("lsn");
    }

    private static long ts(GenericRecord envelope) {
        return (Long) ((GenericRecord) envelope.get("source")).get("ts_ms");
    }
}
