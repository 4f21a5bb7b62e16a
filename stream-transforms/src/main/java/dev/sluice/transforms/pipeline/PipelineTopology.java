package dev.sluice.transforms.pipeline;

import dev.sluice.transforms.metrics.TransformMetrics;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.dedupe.DedupeSpec;
import dev.sluice.transforms.divert.Requeue;
import dev.sluice.transforms.pipeline.spec.StepBuild;
import dev.sluice.transforms.pipeline.spec.StepSpec;
import dev.sluice.transforms.unwrap.UnwrapSpec;
import dev.sluice.transforms.replicate.HeartbeatRelay;
import dev.sluice.transforms.replicate.ReplicationTopology;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * Compiles a {@link PipelineSpec} to one Kafka Streams topology, touching no network: source
 * ({@value ReplicationTopology#SOURCE}) -> {@code skip-tombstones} -> {@code count-in} -> each step in order
 * -> {@code count-out} -> output ({@value ReplicationTopology#SINK}), and source heartbeats straight to every output
 * partition when the steps allow it ({@link #relaysHeartbeats}). Each step adds its own processors, named
 * after the step, so a spec's state stores keep their names (and changelogs) across deployments. The
 * replication spec ({@link PipelineSpec#replication}) compiles to the same processors and stores as
 * {@link ReplicationTopology}.
 *
 * <p>Each step of a spec file is counted in and out ({@link TransformMetrics#step}, processors
 * {@code <step>-count-in}, {@code <step>-count-out}).
 *
 * <p>Side topics: records too late to dedupe go to {@code <pipeline>.late}, records failing an
 * {@code expect} rule to {@code <pipeline>.quarantine}; both with their reason in a header.
 */
public final class PipelineTopology {

    /** The source processor of {@code <pipeline>.requeue}. */
    public static final String REQUEUE_SOURCE = "requeue-source";

    private PipelineTopology() {
    }

    /**
     * @param env reads environment variables (the mask salt); {@code System::getenv} in production
     * @throws IllegalArgumentException naming the step and its line when the environment lacks a salt a mask
     *                                  step needs
     */
    public static Topology build(PipelineSpec spec, Serde<GenericRecord> keySerde, Serde<GenericRecord> valueSerde,
                                 MeterRegistry registry, Function<String, String> env) {
        TransformMetrics metrics = TransformMetrics.of(registry, spec.pipeline());
        StreamsBuilder builder = new StreamsBuilder();
        Consumed<GenericRecord, GenericRecord> consumed = Consumed.with(keySerde, valueSerde)
                .withName(ReplicationTopology.SOURCE);
        KStream<GenericRecord, GenericRecord> input = spec.source().pattern() != null
                ? builder.stream(spec.source().pattern(), consumed) : builder.stream(spec.source().topics(), consumed);
        PipelineSpec.Output output = spec.output();
        if (relaysHeartbeats(spec)) {
            HeartbeatRelay.apply(input, (key, value, context) -> output.topicFor(context.topic()), keySerde, valueSerde);
        }
        // heartbeats (and tombstones, which the contracts rule out) carry no row
        KStream<GenericRecord, GenericRecord> stream = input
                .filter((key, value) -> value != null, Named.as("skip-tombstones"))
                .peek((key, value) -> metrics.recordsIn().increment(), Named.as("count-in"));

        // the replication pipeline keeps exactly the processors of ReplicationTopology (deployed replication
        // state is named after them), so its steps are not counted one by one
        boolean counted = !isReplication(spec);
        // quarantined records sent back (sluice replay --quarantine) re-enter just before the step that diverted them
        KStream<GenericRecord, GenericRecord> requeued = spec.quarantines() ? builder.stream(spec.requeueTopic(),
                Consumed.with(keySerde, valueSerde).withName(REQUEUE_SOURCE)) : null;
        if (requeued != null) {
            Requeue.refuseUnknownSteps(requeued, spec.pipeline(), spec.steps().stream().filter(StepSpec::quarantines)
                    .map(StepSpec::name).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new)));
        }
        for (StepSpec step : spec.steps()) {
            if (requeued != null && step.quarantines()) {
                stream = stream.merge(Requeue.forStep(requeued, step.name()), Named.as(step.name() + "-requeue-merge"));
            }
            if (counted) {
                Counter in = TransformMetrics.step(registry, TransformMetrics.STEP_IN, spec.pipeline(), step.name());
                stream = stream.peek((key, value) -> in.increment(), Named.as(step.name() + "-count-in"));
            }
            TransformMetrics stepMetrics = counted ? metrics.forStep(registry, spec.pipeline(), step.name()) : metrics;
            stream = step.addTo(stream, new StepBuild(builder, spec, stepMetrics, keySerde, valueSerde, env));
            if (counted) {
                Counter out = TransformMetrics.step(registry, TransformMetrics.STEP_OUT, spec.pipeline(), step.name());
                stream = stream.peek((key, value) -> out.increment(), Named.as(step.name() + "-count-out"));
            }
        }
        stream.peek((key, value) -> metrics.recordsOut().increment(), Named.as("count-out"))
                .to((key, value, context) -> output.topicFor(Requeue.originTopic(context)),
                        Produced.with(keySerde, valueSerde).withName(ReplicationTopology.SINK));
        return builder.build();
    }

    /**
     * Source heartbeats pass through to the output when every step keeps each input partition's records in order
     * without regrouping them ({@link HeartbeatRelay}): then the output table gets a completeness frontier too.
     */
    static boolean relaysHeartbeats(PipelineSpec spec) {
        return spec.steps().stream().allMatch(StepSpec::relaysHeartbeats);
    }

    private static boolean isReplication(PipelineSpec spec) {
        List<StepSpec> steps = spec.steps();
        return steps.size() == 2 && steps.get(0) instanceof DedupeSpec dedupe && dedupe.retention() != null
                && steps.get(1) instanceof UnwrapSpec;
    }
}
