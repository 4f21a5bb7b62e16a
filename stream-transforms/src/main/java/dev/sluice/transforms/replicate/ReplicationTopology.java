package dev.sluice.transforms.replicate;

import dev.sluice.transforms.dedupe.Dedupe;
import dev.sluice.transforms.metrics.TransformMetrics;
import dev.sluice.transforms.replicate.wire.ChangeBytes;
import dev.sluice.transforms.replicate.wire.ChangeBytesEventId;
import dev.sluice.transforms.replicate.wire.ChangeRows;
import dev.sluice.transforms.replicate.wire.ReplicationSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
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
 * picked up) -> skip tombstones -> {@link Dedupe} -> unwrap ({@link ChangeRows}) -> row topic
 * {@code <pipeline>.<schema>.<table>}; source heartbeats go to every partition of the row topic
 * ({@link HeartbeatRelay}).
 *
 * <p>Records stay Avro bytes the whole way ({@link ReplicationSerdes}): the envelope is walked once, not decoded,
 * and the row is the image's bytes with the metadata appended, byte for byte what decoding, unwrapping and encoding
 * give, at a fraction of the cost. Keys pass through unchanged; the record timestamp stays the source commit time; the output topics
 * must exist (the runtime creates them). Every processor is named, so the topology description and the
 * state stores' changelog names are stable.
 */
public final class ReplicationTopology {

    public static final String SOURCE = "change-source";
    public static final String SINK = "row-sink";

    private ReplicationTopology() {
    }

    /** Builds the topology, counting into Micrometer's global registry. */
    public static Topology build(ReplicationSpec spec, ReplicationSerdes serdes) {
        return build(spec, serdes, Metrics.globalRegistry);
    }

    /** Builds the topology, counting into {@code registry}. */
    public static Topology build(ReplicationSpec spec, ReplicationSerdes serdes, MeterRegistry registry) {
        TransformMetrics metrics = TransformMetrics.of(registry, spec.pipeline());
        ChangeRows rows = new ChangeRows();
        StreamsBuilder builder = new StreamsBuilder();

        KStream<byte[], ChangeBytes> input = builder
                .stream(spec.inputPattern(), Consumed.with(serdes.keys(), serdes.changes()).withName(SOURCE));
        HeartbeatRelay.apply(input, rowTopic(spec), serdes.keys(), serdes.changes());
        // heartbeats (and tombstones, which the change-topic contract rules out) carry no change
        KStream<byte[], ChangeBytes> changes = input
                .filter((key, value) -> value != null, Named.as("skip-tombstones"))
                .peek((key, value) -> metrics.recordsIn().increment(), Named.as("count-in"));

        Dedupe.applyTo(changes, Dedupe.PROCESSOR, spec.dedupeRetention(), new ChangeBytesEventId(),
                        metrics.duplicates())
                .mapValues(rows::unwrap, Named.as("unwrap"))
                .peek((key, value) -> metrics.recordsOut().increment(), Named.as("count-out"))
                .to(rowTopic(spec), Produced.with(serdes.keys(), serdes.rows())
                        .withName(SINK));
        return builder.build();
    }

    private static <V> TopicNameExtractor<byte[], V> rowTopic(ReplicationSpec spec) {
        return (key, value, context) -> spec.outputTopicFor(context.topic());
    }
}
