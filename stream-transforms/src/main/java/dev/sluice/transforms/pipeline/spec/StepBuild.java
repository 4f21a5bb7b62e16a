package dev.sluice.transforms.pipeline.spec;

import dev.sluice.transforms.metrics.TransformMetrics;
import java.util.function.Function;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Produced;

/**
 * What a step may use to add its processors: the builder (for extra sources or stores), the pipeline (its side
 * topics), the step's own metrics, the pipeline's serdes and the environment (for secrets such as a salt).
 */
public record StepBuild(StreamsBuilder builder, PipelineSpec pipeline, TransformMetrics metrics,
                        Serde<GenericRecord> keySerde, Serde<GenericRecord> valueSerde,
                        Function<String, String> env) {

    /** How the step writes records to a side topic (late, quarantine). */
    public Produced<GenericRecord, GenericRecord> produced() {
        return Produced.with(keySerde, valueSerde);
    }
}
