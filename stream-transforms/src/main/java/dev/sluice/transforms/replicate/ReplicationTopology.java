package dev.sluice.transforms.replicate;

import dev.sluice.transforms.dedupe.ChangeEventId;
import dev.sluice.transforms.dedupe.Dedupe;
import dev.sluice.transforms.metrics.TransformMetrics;
import dev.sluice.transforms.unwrap.ChangeUnwrapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * The replication pipeline as a Kafka Streams topology, built without touching the network:
 * change topics matching {@code <prefix>.<schema>.<table>} (a pattern subscription, so new tables are
 * picked up) -> skip tombstones -> {@link Dedupe} -> {@link ChangeUnwrapper} -> row topic
 * {@code <pipeline>.<schema>.<table>}; source heartbeats go to every partition of the row topic
 * ({@link HeartbeatRelay}).
 *
 * <p>Keys pass through unchanged; the record timestamp stays the source commit time; the output topics
 * must exist (the runtime creates them). Every processor is named, so the topology description and the
 * state stores' changelog names are stable.
 */
public final class ReplicationTopology {

    public static final String SOURCE = "change-source";
    public static final String SINK = "row-sink";

    private ReplicationTopology() {
    }

    /** Builds the topology, counting into Micrometer's global registry. */
    public static Topology build(ReplicationSpec spec, Serde<GenericRecord> keySerde, Serde<GenericRecord> valueSerde) {
        return build(spec, keySerde, valueSerde, Metrics.globalRegistry);
    }

    /** Builds the topology, counting into {@code registry}. */
    public static Topology build(ReplicationSpec spec, Serde<GenericRecord> keySerde, Serde<GenericRecord> valueSerde,
                                 MeterRegistry registry) {
        TransformMetrics metrics = TransformMetrics.of(registry, spec.pipeline());
        ChangeUnwrapper unwrapper = new ChangeUnwrapper();
        StreamsBuilder builder = new StreamsBuilder();

        KStream<GenericRecord, GenericRecord> input = builder
                .stream(spec.inputPattern(), Consumed.with(keySerde, valueSerde).withName(SOURCE));
        HeartbeatRelay.apply(input, rowTopic(spec), keySerde, valueSerde);
        // heartbeats (and tombstones, which the change-topic contract rules out) carry no change
        KStream<GenericRecord, GenericRecord> changes = input
                .filter((key, value) -> value != null, Named.as("skip-tombstones"))
                .peek((key, value) -> metrics.recordsIn().increment(), Named.as("count-in"));

        Dedupe.apply(changes, spec.dedupeRetention(), new ChangeEventId(), metrics.duplicates())
                .mapValues(unwrapper::unwrap, Named.as("unwrap"))
                .peek((key, value) -> metrics.recordsOut().increment(), Named.as("count-out"))
                .to(rowTopic(spec), Produced.with(keySerde, valueSerde).withName(SINK));
        return builder.build();
    }

    private static TopicNameExtractor<GenericRecord, GenericRecord> rowTopic(ReplicationSpec spec) {
        return (key, value, context) -> spec.outputTopicFor(context.topic());
    }
}
