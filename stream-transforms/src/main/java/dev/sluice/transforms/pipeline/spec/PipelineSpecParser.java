package dev.sluice.transforms.pipeline.spec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads and validates a pipeline spec written in YAML. Every mistake is reported, before anything runs, as a
 * {@link PipelineSpecException} naming the line, column and field path with the fix: unknown top-level key,
 * unknown step, unknown or missing field of a step, wrong type, bad duration, regex or name, two steps with
 * one name, a step in a place where it cannot work (a row step before {@code unwrap}, say). This class reads the
 * pipeline's frame (name, source, output, the list of steps); each step type parses and checks its own fields
 * ({@link StepTypes}).
 *
 * <pre>
 * pipeline: orders-clean
 * source:
 *   topics: [sluice.public.orders]      # or pattern: 'sluice\.public\.[^.]+'; format: change (default) | row
 * steps:
 *   - dedupe: {window: 1h, allowed-lateness: 10m}    # id: [fields...] (default: the change's LSN + key)
 *   - unwrap: {}
 *   - expect:
 *       rules:
 *         - {field: amount, min: 0}
 *         - {field: status, accepted-values: [new, paid, shipped]}
 *         - {field: email, regex: '[^@]+@[^@]+'}
 *         - {field: id, not-null: true}
 *   - filter: {field: status, not-in: [cancelled]}
 *   - project: {fields: [id, amount, email, status, __source_ts, __version, __deleted]}
 *   - rename: {fields: {amount: total}}
 *   - mask: {fields: {email: hash, phone: {keep-last: 4}, note: {truncate: 20}, name: redact}}
 * output:
 *   topic: 'clean.${schema}.${table}'
 * </pre>
 */
public final class PipelineSpecParser {

    private static final Pattern STEP_NAME = Pattern.compile("[a-zA-Z0-9_-]+");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private final SpecReader read;

    private PipelineSpecParser(String source) {
        this.read = new SpecReader(source);
    }

    public static PipelineSpec load(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.getFileName().toString());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read pipeline spec " + file + " (" + e.getMessage()
                    + "); check the path and its permissions.", e);
        }
    }

    /** @param source the file name used in error messages */
    public static PipelineSpec parse(String yaml, String source) {
        return new PipelineSpecParser(source).spec(YamlTree.parse(yaml, source));
    }

    private PipelineSpec spec(YamlNode root) {
        YamlNode.Mapping top = read.mapping(root, "(document)");
        read.only(top, "", Set.of("pipeline", "source", "steps", "output"));
        YamlNode.Entry nameEntry = read.required(top, "", "pipeline", "name the pipeline, e.g. 'pipeline: orders-clean'");
        String pipeline = read.text(nameEntry.value(), "pipeline");
        if (!SpecReader.TOPIC_NAME.matcher(pipeline).matches()) {
            throw read.error(nameEntry.value(), "pipeline", "'" + pipeline + "' is not a valid topic prefix",
                    "use letters, digits, '_', '-' and single dots");
        }
        PipelineSpec.Source input = source(read.required(top, "", "source",
                "add 'source:' with 'topics: [...]' or 'pattern: ...'"));
        List<StepSpec> steps = top.asMap().containsKey("steps") ? steps(top.asMap().get("steps").value(), input)
                : List.of();
        YamlNode.Entry outputEntry = read.required(top, "", "output", "add 'output:' with 'topic: ...'");
        PipelineSpec.Output output = output(outputEntry);
        StepSpec regrouping = steps.stream().filter(StepSpec::regroups).findFirst().orElse(null);
        if (regrouping != null && PLACEHOLDER.matcher(output.topicTemplate()).find()) {
            YamlNode topicNode = ((YamlNode.Mapping) outputEntry.value()).asMap().get("topic").value();
            throw read.error(topicNode, "output.topic", "placeholders cannot be filled after '" + regrouping.type()
                    + "' (its records come from internal topics, not from a source topic)",
                    "write a fixed topic name, e.g. '" + pipeline + ".out'");
        }
        if (input.pattern() != null) {
            for (String side : List.of(".late", ".quarantine", ".requeue", ".dlq")) {
                if (input.pattern().matcher(pipeline + side).matches()) {
                    throw read.error(top.asMap().get("source").value(), "source.pattern", "the pattern matches the"
                            + " pipeline's own topic " + pipeline + side, "narrow the pattern or rename the pipeline");
                }
            }
        }
        return new PipelineSpec(pipeline, input, steps, output);
    }

    private PipelineSpec.Source source(YamlNode.Entry entry) {
        YamlNode.Mapping map = read.mapping(entry.value(), "source");
        read.only(map, "source", Set.of("topics", "pattern", "format"));
        YamlNode.Entry topics = map.asMap().get("topics");
        YamlNode.Entry pattern = map.asMap().get("pattern");
        if ((topics == null) == (pattern == null)) {
            throw read.error(entry.value(), "source", topics == null ? "neither 'topics' nor 'pattern' is set"
                    : "both 'topics' and 'pattern' are set", "set exactly one of them");
        }
        PipelineSpec.Format format = PipelineSpec.Format.CHANGE;
        YamlNode.Entry formatEntry = map.asMap().get("format");
        if (formatEntry != null) {
            String value = read.text(formatEntry.value(), "source.format");
            format = switch (value) {
                case "change" -> PipelineSpec.Format.CHANGE;
                case "row" -> PipelineSpec.Format.ROW;
                default -> throw read.error(formatEntry.value(), "source.format", "unknown format '" + value + "'",
                        "use 'change' (Debezium change envelopes) or 'row'");
            };
        }
        if (topics != null) {
            List<String> names = read.strings(topics.value(), "source.topics");
            for (int i = 0; i < names.size(); i++) {
                if (!SpecReader.TOPIC_NAME.matcher(names.get(i)).matches()) {
                    throw read.error(topics.value(), "source.topics[" + i + "]", "'" + names.get(i)
                            + "' is not a valid topic name", "use letters, digits, '_', '-' and dots");
                }
            }
            return new PipelineSpec.Source(names, null, format);
        }
        return new PipelineSpec.Source(List.of(), read.regex(pattern.value(), "source.pattern",
                "fix it, e.g. 'sluice\\.public\\.[^.]+'"), format);
    }

    private PipelineSpec.Output output(YamlNode.Entry entry) {
        YamlNode.Mapping map = read.mapping(entry.value(), "output");
        read.only(map, "output", Set.of("topic"));
        YamlNode.Entry topic = read.required(map, "output", "topic", "add 'topic:', e.g. 'clean.${schema}.${table}'");
        String template = read.text(topic.value(), "output.topic");
        Matcher placeholders = PLACEHOLDER.matcher(template);
        while (placeholders.find()) {
            if (!Set.of("schema", "table", "topic").contains(placeholders.group(1))) {
                throw read.error(topic.value(), "output.topic", "unknown placeholder '${" + placeholders.group(1)
                        + "}'", "use ${schema}, ${table} or ${topic}");
            }
        }
        String sample = PLACEHOLDER.matcher(template).replaceAll("x");
        if (!SpecReader.TOPIC_NAME.matcher(sample).matches()) {
            throw read.error(topic.value(), "output.topic", "'" + template + "' does not make a valid topic name",
                    "use letters, digits, '_', '-', dots and placeholders");
        }
        return new PipelineSpec.Output(template);
    }

    private List<StepSpec> steps(YamlNode node, PipelineSpec.Source input) {
        if (!(node instanceof YamlNode.Sequence list)) {
            throw read.error(node, "steps", "expected a list of steps but found " + node.kind(),
                    "write each step as '- <step>: {...}'");
        }
        List<StepSpec> steps = new ArrayList<>();
        Set<String> names = new HashSet<>();
        boolean rows = input.format() == PipelineSpec.Format.ROW;
        for (int i = 0; i < list.items().size(); i++) {
            String path = "steps[" + i + "]";
            YamlNode.Mapping item = read.mapping(list.items().get(i), path);
            if (item.asMap().size() != 1) {
                throw read.error(item, path, "a step is a map with exactly one key, the step type, but this one has "
                        + item.asMap().keySet(), "split it into one list item per step");
            }
            YamlNode.Entry entry = item.asMap().values().iterator().next();
            String type = entry.key();
            String stepPath = path + "." + type;
            Function<StepYaml, StepSpec> parser = StepTypes.parser(type);
            if (parser == null) {
                throw read.error(entry, path, "unknown step '" + type + "'" + NearMiss.suggestion(type,
                        StepTypes.names()), "use one of " + String.join(", ", StepTypes.names()));
            }
            YamlNode.Mapping fields = entry.value() instanceof YamlNode.Scalar scalar && scalar.isNull()
                    ? new YamlNode.Mapping(new LinkedHashMap<>(), scalar.line(), scalar.column())
                    : read.mapping(entry.value(), stepPath);
            StepSpec step = parser.apply(new StepYaml(fields, stepPath, stepName(fields, stepPath, type),
                    entry.line(), read));
            if (!names.add(step.name())) {
                throw read.error(entry, stepPath, "a second step is named '" + step.name()
                        + "' (names key the step's state and processors)", "give it its own name with 'name: ...'");
            }
            step.checkPlace(new StepPlace(rows, input.format(), entry, stepPath, read));
            if (!steps.isEmpty() && steps.get(steps.size() - 1).mustBeLast()) {
                StepSpec last = steps.get(steps.size() - 1);
                throw read.error(entry, stepPath, "no step can follow '" + last.name() + "' (" + last.type()
                        + " changes the key and the row)", "make it the last step, or run another pipeline on its output");
            }
            rows |= step.unwraps();
            steps.add(step);
        }
        return steps;
    }

    private String stepName(YamlNode.Mapping map, String path, String type) {
        YamlNode.Entry entry = map.asMap().get("name");
        if (entry == null) {
            return type;
        }
        String name = read.text(entry.value(), path + ".name");
        if (!STEP_NAME.matcher(name).matches()) {
            throw read.error(entry.value(), path + ".name", "'" + name + "' is not a valid step name",
                    "use letters, digits, '_' and '-'");
        }
        return name;
    }
}
