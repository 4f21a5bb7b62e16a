package dev.sluice.cli.lineage;

import dev.sluice.transforms.aggregate.AggregateSpec;
import dev.sluice.transforms.dedupe.DedupeSpec;
import dev.sluice.transforms.enrich.EnrichSpec;
import dev.sluice.transforms.expect.ExpectSpec;
import dev.sluice.transforms.filter.FilterSpec;
import dev.sluice.transforms.mask.MaskRule;
import dev.sluice.transforms.mask.MaskSpec;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.pipeline.spec.StepSpec;
import dev.sluice.transforms.project.ProjectSpec;
import dev.sluice.transforms.project.RenameSpec;
import dev.sluice.transforms.unwrap.UnwrapSpec;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which input columns each output column of a pipeline spec is made of, followed step by step from the source
 * topic's registered schema: dedupe, unwrap, filter and expect pass columns through; project keeps some; rename
 * renames; mask marks its columns {@code masking: true} (OpenLineage column lineage 1-2-0); enrich adds columns of
 * the dimension topic; aggregate makes its group-by and measure columns. A step whose effect on columns is not known
 * (a custom step) ends it: empty.
 */
public final class ColumnLineage {

    /** One input field of an output column, with how it was transformed (OpenLineage's type and subtype). */
    public record InputField(String namespace, String name, String field, String type, String subtype,
                             String description, boolean masking) {

        InputField masked(String how) {
            return new InputField(namespace, name, field, "DIRECT", "TRANSFORMATION", how, true);
        }

        InputField aggregated(String how) {
            return new InputField(namespace, name, field, "DIRECT", "AGGREGATION", how, masking);
        }
    }

    private ColumnLineage() {
    }

    /**
     * @param source        the source topic as a dataset (its namespace and name)
     * @param sourceColumns the rows' columns at the source (a change topic's {@code after} record)
     * @param datasets      a topic (an enrichment's dimension) as a dataset
     * @param rowSchemas    a topic's row schema, if registered
     */
    public static Optional<Map<String, List<InputField>>> of(PipelineSpec spec, Dataset source, Schema sourceColumns,
                                                             Function<String, Dataset> datasets,
                                                             Function<String, Optional<Schema>> rowSchemas) {
        Map<String, List<InputField>> columns = new LinkedHashMap<>();
        for (Schema.Field f : sourceColumns.getFields()) {
            columns.put(f.name(), List.of(new InputField(source.namespace(), source.name(), f.name(), "DIRECT",
                    "IDENTITY", null, false)));
        }
        for (StepSpec step : spec.steps()) {
            Optional<Map<String, List<InputField>>> after = apply(step, columns, datasets, rowSchemas);
            if (after.isEmpty()) {
                return Optional.empty();
            }
            columns = after.get();
        }
        return Optional.of(columns);
    }

    private static Optional<Map<String, List<InputField>>> apply(StepSpec step, Map<String, List<InputField>> in,
                                                                Function<String, Dataset> datasets,
                                                                Function<String, Optional<Schema>> rowSchemas) {
        if (step instanceof DedupeSpec || step instanceof UnwrapSpec || step instanceof FilterSpec
                || step instanceof ExpectSpec) {
            return Optional.of(in);
        }
        Map<String, List<InputField>> out = new LinkedHashMap<>();
        if (step instanceof ProjectSpec project) {
            project.fields().forEach(c -> out.put(c, in.getOrDefault(c, List.of())));
        } else if (step instanceof RenameSpec rename) {
            in.forEach((c, from) -> out.put(rename.fields().getOrDefault(c, c), from));
        } else if (step instanceof MaskSpec mask) {
            in.forEach((c, from) -> {
                MaskRule rule = mask.fields().get(c);
                out.put(c, rule == null ? from : from.stream().map(f -> f.masked("mask " + describe(rule))).toList());
            });
        } else if (step instanceof EnrichSpec enrich) {
            out.putAll(in);
            String dimensionTopic = enrich.enrichment().dimensionTopic();
            Dataset dimension = datasets.apply(dimensionTopic);
            enrich.enrichment().columns().forEach((from, to) -> out.put(to, List.of(new InputField(
                    dimension.namespace(), dimension.name(), from, "DIRECT", "IDENTITY", null, false))));
        } else if (step instanceof AggregateSpec aggregate) {
            aggregate.aggregation().groupBy().forEach(c -> out.put(c, in.getOrDefault(c, List.of())));
            aggregate.aggregation().measures().forEach((column, measure) -> {
                List<InputField> from = measure.field() == null ? List.of() : in.getOrDefault(measure.field(), List.of());
                String how = measure.kind().name().toLowerCase() + (measure.field() == null ? "" : "(" + measure.field() + ")");
                out.put(column, new ArrayList<>(from.stream().map(f -> f.aggregated(how)).toList()));
            });
        } else {
            return Optional.empty();
        }
        return Optional.of(out);
    }

    private static String describe(MaskRule rule) {
        return rule.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
    }
}
