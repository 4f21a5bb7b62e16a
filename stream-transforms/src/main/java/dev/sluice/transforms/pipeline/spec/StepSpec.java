package dev.sluice.transforms.pipeline.spec;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;

/**
 * One validated step of a {@link PipelineSpec}, and everything the pipeline needs to know of it: where it may
 * stand, which columns it reads and leaves, and the processors it adds. Each step type is one class in its own
 * feature package, registered by name in {@link StepTypes}.
 *
 * <p>{@code name} names the step's processors and state stores (default: the step type), so it must stay the same
 * across deployments of a pipeline; {@code line} is where the step was written.
 */
public interface StepSpec {

    String name();

    int line();

    /** The step type as written in YAML. */
    String type();

    /**
     * Refuses a step that cannot work where it stands. By default a step works on rows, so it must come after
     * {@code unwrap} (or read a row source).
     */
    default void checkPlace(StepPlace place) {
        place.requireRows(type());
    }

    /** Adds this step's processors after {@code input} and returns what flows on. */
    KStream<GenericRecord, GenericRecord> addTo(KStream<GenericRecord, GenericRecord> input, StepBuild build);

    /**
     * Checks the columns the step names against the rows it will see and returns the columns it leaves; empty
     * when they cannot be known from here on (later steps are then not checked).
     */
    default Optional<StepColumns> columnsAfter(StepColumns before) {
        return Optional.of(before);
    }

    /** True when the step turns change envelopes into rows. */
    default boolean unwraps() {
        return false;
    }

    /**
     * True when the step re-keys or regroups records (through internal topics): a source topic no longer
     * names an output record's topic.
     */
    default boolean regroups() {
        return false;
    }

    /**
     * True when the step keeps each input partition's records in order without regrouping them, so a source
     * heartbeat can pass it and still mean "everything before me is through" ({@code HeartbeatRelay}).
     */
    default boolean relaysHeartbeats() {
        return !regroups();
    }

    /**
     * True when the step sends records to {@code <pipeline>.quarantine}: they may come back through
     * {@code <pipeline>.requeue} and re-enter just before it ({@code Requeue}).
     */
    default boolean quarantines() {
        return false;
    }

    /** True when no step may follow this one. */
    default boolean mustBeLast() {
        return false;
    }

    /** Topics the step reads besides the pipeline's source, which must exist before it starts. */
    default List<String> joinedTopics() {
        return List.of();
    }

    /** The output's key and value schemas, when the step knows them before its first record. */
    default Optional<Map.Entry<Schema, Schema>> outputSchemas() {
        return Optional.empty();
    }
}
