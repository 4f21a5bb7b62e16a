package dev.sluice.transforms.pipeline.spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.Schema;

/**
 * Checks, before anything runs, that every column a spec's steps name exists in the records they will see,
 * using the schemas already registered for the source and dimension topics: a filter on a misspelt column, a
 * window on a time field the rows lack (or that holds no time), an enrichment adding a column the dimension does
 * not have. The column set is followed step by step, each step saying what it needs and leaves
 * ({@link StepSpec#columnsAfter}). A topic with no schema registered yet (nothing written) cannot be checked and is
 * skipped; a step whose output cannot be known (a custom step) ends the check. Pattern sources are not checked.
 */
public final class ColumnCheck {

    private ColumnCheck() {
    }

    /**
     * @param valueSchemas the latest value schema of a topic, if one is registered
     * @throws IllegalArgumentException one sentence naming the pipeline, step, line, column and the fix
     */
    public static void check(PipelineSpec spec, Function<String, Optional<Schema>> valueSchemas) {
        for (String topic : spec.source().topics()) {
            Optional<Schema> schema = valueSchemas.apply(topic);
            if (schema.isPresent()) {
                walk(spec, topic, schema.get(), valueSchemas);
            }
        }
    }

    private static void walk(PipelineSpec spec, String topic, Schema source,
                             Function<String, Optional<Schema>> valueSchemas) {
        Map<String, Schema> columns = new LinkedHashMap<>();
        if (spec.source().format() == PipelineSpec.Format.ROW) {
            source.getFields().forEach(f -> columns.put(f.name(), f.schema()));
        }
        Optional<StepColumns> at = Optional.of(new StepColumns(spec.pipeline(), topic, source, columns, valueSchemas));
        for (StepSpec step : spec.steps()) {
            at = step.columnsAfter(at.get());
            if (at.isEmpty()) {
                return;
            }
        }
    }
}
