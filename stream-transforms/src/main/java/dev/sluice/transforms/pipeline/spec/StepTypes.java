package dev.sluice.transforms.pipeline.spec;

import dev.sluice.transforms.aggregate.AggregateSpec;
import dev.sluice.transforms.dedupe.DedupeSpec;
import dev.sluice.transforms.enrich.EnrichSpec;
import dev.sluice.transforms.expect.ExpectSpec;
import dev.sluice.transforms.filter.FilterSpec;
import dev.sluice.transforms.mask.MaskSpec;
import dev.sluice.transforms.pipeline.CustomSpec;
import dev.sluice.transforms.project.ProjectSpec;
import dev.sluice.transforms.project.RenameSpec;
import dev.sluice.transforms.unwrap.UnwrapSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every step type a spec can use, by the name written in YAML, with the parser that reads and checks its fields.
 * A new step type is a {@link StepSpec} in its own package plus one line here.
 */
final class StepTypes {

    private static final Map<String, Function<StepYaml, StepSpec>> PARSERS = new LinkedHashMap<>();

    static {
        PARSERS.put("dedupe", DedupeSpec::parse);
        PARSERS.put("unwrap", UnwrapSpec::parse);
        PARSERS.put("filter", FilterSpec::parse);
        PARSERS.put("project", ProjectSpec::parse);
        PARSERS.put("rename", RenameSpec::parse);
        PARSERS.put("mask", MaskSpec::parse);
        PARSERS.put("expect", ExpectSpec::parse);
        PARSERS.put("enrich", EnrichSpec::parse);
        PARSERS.put("aggregate", AggregateSpec::parse);
        PARSERS.put("custom", CustomSpec::parse);
    }

    private StepTypes() {
    }

    static List<String> names() {
        return List.copyOf(PARSERS.keySet());
    }

    /** The parser of step type {@code type}; null for an unknown type. */
    static Function<StepYaml, StepSpec> parser(String type) {
        return PARSERS.get(type);
    }
}
