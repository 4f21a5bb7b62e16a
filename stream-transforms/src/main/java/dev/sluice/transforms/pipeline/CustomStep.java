package dev.sluice.transforms.pipeline;

import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;

/**
 * A step a user writes himself, used from a spec as {@code - custom: {class: com.acme.GeoLookup, config: {...}}}.
 * The class needs a public no-argument constructor; the parser checks at load that it exists and implements
 * this interface. {@link #apply} adds the step's processors after {@code input} and returns what flows on;
 * name every processor and store after {@link Context#name()} so its state keeps its name across deployments.
 */
@FunctionalInterface
public interface CustomStep {

    KStream<GenericRecord, GenericRecord> apply(KStream<GenericRecord, GenericRecord> input, Context context);

    /**
     * What a step may use: its name (unique in the pipeline), its {@code config} map from the spec, the builder
     * (for extra sources or stores), the pipeline's serdes.
     */
    record Context(String name, Map<String, String> config, StreamsBuilder builder, Serde<GenericRecord> keySerde,
                   Serde<GenericRecord> valueSerde) {
    }
}
