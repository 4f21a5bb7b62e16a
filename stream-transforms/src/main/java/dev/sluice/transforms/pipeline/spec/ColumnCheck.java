package dev.sluice.transforms.pipeline.spec;

import dev.sluice.transforms.aggregate.Aggregation;
import dev.sluice.transforms.enrich.Enrichment;
import dev.sluice.transforms.expect.Rule;
import dev.sluice.transforms.filter.Condition;
import dev.sluice.transforms.row.Fields;
import dev.sluice.transforms.unwrap.ChangeUnwrapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Checks, before anything runs, that every column a spec's steps name exists in the records they will see,
 * using the schemas already registered for the source and dimension topics: a filter on a misspelt column, a
 * window on a time field the rows lack (or that holds no time), an enrichment adding a column the dimension does
 * not have. Each column set is followed step by step (unwrap, project, rename and enrich change it). A topic
 * with no schema registered yet (nothing written) cannot be checked and is skipped; a custom step ends the
 * check, since what it emits is its own business. Pattern sources are not checked.
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
                new Walk(spec, topic, valueSchemas).run(schema.get());
            }
        }
    }

    private static final class Walk {
        private final PipelineSpec spec;
        private final String topic;
        private final Function<String, Optional<Schema>> valueSchemas;
        private Map<String, Schema> columns = new LinkedHashMap<>();
        private boolean rows;

        Walk(PipelineSpec spec, String topic, Function<String, Optional<Schema>> valueSchemas) {
            this.spec = spec;
            this.topic = topic;
            this.valueSchemas = valueSchemas;
        }

        void run(Schema source) {
            rows = spec.source().format() == PipelineSpec.Format.ROW;
            if (rows) {
                source.getFields().forEach(f -> columns.put(f.name(), f.schema()));
            }
            for (StepSpec step : spec.steps()) {
                if (step instanceof StepSpec.Custom) {
                    return;
                }
                if (step instanceof StepSpec.Unwrap) {
                    Schema.Field after = source.getField("after");
                    if (after == null) {
                        return; // not an envelope: the DLQ will say so per record
                    }
                    Fields.nonNull(after.schema()).getFields().forEach(f -> columns.put(f.name(), f.schema()));
                    columns.put(ChangeUnwrapper.SOURCE_TS, Schema.create(Schema.Type.LONG));
                    columns.put(ChangeUnwrapper.VERSION, Schema.create(Schema.Type.LONG));
                    columns.put(ChangeUnwrapper.DELETED, Schema.create(Schema.Type.BOOLEAN));
                    rows = true;
                } else if (rows) {
                    row(step);
                }
            }
        }

        private void row(StepSpec step) {
            if (columns == null) {
                return;
            }
            if (step instanceof StepSpec.Filter filter) {
                filter.conditions().stream().map(Condition::field).forEach(c -> require(step, c, "field"));
            } else if (step instanceof StepSpec.Expect expect) {
                expect.rules().stream().map(Rule::field).forEach(c -> require(step, c, "field"));
            } else if (step instanceof StepSpec.Mask mask) {
                mask.fields().keySet().forEach(c -> require(step, c, "fields"));
            } else if (step instanceof StepSpec.Project project) {
                Map<String, Schema> kept = new LinkedHashMap<>();
                project.fields().forEach(c -> kept.put(c, require(step, c, "fields")));
                columns = kept;
            } else if (step instanceof StepSpec.Rename rename) {
                Map<String, Schema> renamed = new LinkedHashMap<>();
                rename.fields().keySet().forEach(c -> require(step, c, "fields"));
                columns.forEach((name, type) -> renamed.put(rename.fields().getOrDefault(name, name), type));
                columns = renamed;
            } else if (step instanceof StepSpec.Enrich enrich) {
                enrich(enrich);
            } else if (step instanceof StepSpec.Aggregate aggregate) {
                aggregate(aggregate);
            }
        }

        private void enrich(StepSpec.Enrich step) {
            Enrichment enrichment = step.enrichment();
            require(step, enrichment.foreignKey(), "foreign-key");
            Optional<Schema> dimension = valueSchemas.apply(enrichment.dimensionTopic());
            if (dimension.isEmpty()) {
                columns = null;
                return; // cannot know what it adds; later steps are not checked
            }
            Map<String, Schema> dimensionColumns = new LinkedHashMap<>();
            dimension.get().getFields().forEach(f -> dimensionColumns.put(f.name(), f.schema()));
            List<String> all = new ArrayList<>(dimensionColumns.keySet());
            for (String column : List.of(enrichment.dimensionKey())) {
                if (!dimensionColumns.containsKey(column)) {
                    throw problem(step, "dimension-key '" + column + "' is not a column of "
                            + enrichment.dimensionTopic() + " (columns: " + String.join(", ", all) + ")",
                            "name its key column");
                }
            }
            enrichment.columns().forEach((from, to) -> {
                if (!dimensionColumns.containsKey(from)) {
                    throw problem(step, "columns names '" + from + "', which is not a column of "
                            + enrichment.dimensionTopic() + " (columns: " + String.join(", ", all) + ")",
                            "fix the column name");
                }
                columns.put(to, dimensionColumns.get(from));
            });
        }

        private void aggregate(StepSpec.Aggregate step) {
            Aggregation aggregation = step.aggregation();
            String time = aggregation.timeField();
            if (columns != null && !columns.containsKey(time)) {
                throw problem(step, "the window has no time field: '" + time + "' is not a column of the rows here"
                        + " (columns: " + String.join(", ", columns.keySet()) + ")",
                        "set time-field to one of their timestamp columns");
            }
            if (columns != null && !isTime(columns.get(time))) {
                throw problem(step, "time-field '" + time + "' holds " + Fields.nonNull(columns.get(time)).getType()
                        .getName() + " values, not times", "pick a timestamp, timestamptz or epoch-millis column");
            }
            aggregation.groupBy().forEach(c -> require(step, c, "group-by"));
            aggregation.measures().values().stream().filter(m -> m.field() != null)
                    .forEach(m -> require(step, m.field(), "measures"));
        }

        private static boolean isTime(Schema schema) {
            Schema type = Fields.nonNull(schema);
            return type.getType() == Schema.Type.LONG
                    || (type.getType() == Schema.Type.STRING
                    && "io.debezium.time.ZonedTimestamp".equals(type.getProp("connect.name")))
                    || type.getLogicalType() instanceof LogicalTypes.TimestampMillis;
        }

        private Schema require(StepSpec step, String column, String field) {
            if (columns == null) {
                return null;
            }
            Schema type = columns.get(column);
            if (type == null) {
                throw problem(step, field + " names column '" + column + "', which the rows here do not have (columns: "
                        + String.join(", ", columns.keySet()) + ")", "fix the column name");
            }
            return type;
        }

        private IllegalArgumentException problem(StepSpec step, String what, String fix) {
            return new IllegalArgumentException("Pipeline " + spec.pipeline() + ", step '" + step.name() + "' (line "
                    + step.line() + ", reading " + topic + "): " + what + "; " + fix + ".");
        }
    }
}
