package dev.sluice.transforms.pipeline.spec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.Schema;

/**
 * The columns of the records at one step of a pipeline reading one source topic, as far as the registered schemas
 * tell ({@link ColumnCheck}). Before {@code unwrap} on a change source there are no columns yet, only the
 * envelope's schema.
 */
public final class StepColumns {
    private final String pipeline;
    private final String topic;
    private final Schema envelope;
    private final Map<String, Schema> columns;
    private final Function<String, Optional<Schema>> valueSchemas;

    StepColumns(String pipeline, String topic, Schema envelope, Map<String, Schema> columns,
                Function<String, Optional<Schema>> valueSchemas) {
        this.pipeline = pipeline;
        this.topic = topic;
        this.envelope = envelope;
        this.columns = Collections.unmodifiableMap(new LinkedHashMap<>(columns));
        this.valueSchemas = valueSchemas;
    }

    /** Column name to schema, in order. */
    public Map<String, Schema> columns() {
        return columns;
    }

    /** The source topic's value schema (the change envelope on a change source). */
    public Schema envelope() {
        return envelope;
    }

    /** The latest registered value schema of another topic (a dimension, say), if any. */
    public Optional<Schema> valueSchema(String otherTopic) {
        return valueSchemas.apply(otherTopic);
    }

    /** The same place with other columns. */
    public StepColumns with(Map<String, Schema> newColumns) {
        return new StepColumns(pipeline, topic, envelope, newColumns, valueSchemas);
    }

    /** The schema of {@code column}, or a problem naming the step field ({@code field}) that names it. */
    public Schema require(StepSpec step, String column, String field) {
        Schema type = columns.get(column);
        if (type == null) {
            throw problem(step, field + " names column '" + column + "', which the rows here do not have (columns: "
                    + String.join(", ", columns.keySet()) + ")", "fix the column name");
        }
        return type;
    }

    /** One sentence naming the pipeline, step, line and source topic, what is wrong and the fix. */
    public IllegalArgumentException problem(StepSpec step, String what, String fix) {
        return new IllegalArgumentException("Pipeline " + pipeline + ", step '" + step.name() + "' (line "
                + step.line() + ", reading " + topic + "): " + what + "; " + fix + ".");
    }
}
