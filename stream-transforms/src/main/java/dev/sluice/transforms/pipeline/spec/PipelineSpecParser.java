package dev.sluice.transforms.pipeline.spec;

import dev.sluice.transforms.aggregate.Aggregation;
import dev.sluice.transforms.dedupe.DedupeWindow;
import dev.sluice.transforms.enrich.Enrichment;
import dev.sluice.transforms.expect.Rule;
import dev.sluice.transforms.filter.Condition;
import dev.sluice.transforms.mask.MaskRule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Loads and validates a pipeline spec written in YAML. Every mistake is reported, before anything runs, as a
 * {@link PipelineSpecException} naming the line, column and field path with the fix: unknown top-level key,
 * unknown step, unknown or missing field of a step, wrong type, bad duration, regex or name, two steps with
 * one name, a step in a place where it cannot work (a row step before {@code unwrap}, say).
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

    private static final List<String> STEPS = List.of("dedupe", "unwrap", "filter", "project", "rename", "mask",
            "expect", "enrich", "aggregate", "custom");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*");
    private static final Pattern STEP_NAME = Pattern.compile("[a-zA-Z0-9_-]+");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    public static final String DEFAULT_SALT_ENV = "SLUICE_MASK_SALT";

    private final String source;

    private PipelineSpecParser(String source) {
        this.source = source;
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
        YamlNode.Mapping top = mapping(root, "(document)");
        only(top, "", Set.of("pipeline", "source", "steps", "output"));
        YamlNode.Entry nameEntry = required(top, "", "pipeline", "name the pipeline, e.g. 'pipeline: orders-clean'");
        String pipeline = text(nameEntry.value(), "pipeline");
        if (!NAME.matcher(pipeline).matches()) {
            throw error(nameEntry.value(), "pipeline", "'" + pipeline + "' is not a valid topic prefix",
                    "use letters, digits, '_', '-' and single dots");
        }
        PipelineSpec.Source input = source(required(top, "", "source",
                "add 'source:' with 'topics: [...]' or 'pattern: ...'"));
        List<StepSpec> steps = top.asMap().containsKey("steps") ? steps(top.asMap().get("steps").value(), input)
                : List.of();
        YamlNode.Entry outputEntry = required(top, "", "output", "add 'output:' with 'topic: ...'");
        PipelineSpec.Output output = output(outputEntry);
        StepSpec regrouping = steps.stream()
                .filter(s -> s instanceof StepSpec.Enrich || s instanceof StepSpec.Aggregate)
                .findFirst().orElse(null);
        if (regrouping != null && PLACEHOLDER.matcher(output.topicTemplate()).find()) {
            YamlNode topicNode = ((YamlNode.Mapping) outputEntry.value()).asMap().get("topic").value();
            throw error(topicNode, "output.topic", "placeholders cannot be filled after '" + regrouping.type()
                    + "' (its records come from internal topics, not from a source topic)",
                    "write a fixed topic name, e.g. '" + pipeline + ".out'");
        }
        if (input.pattern() != null) {
            for (String side : List.of(".late", ".quarantine", ".dlq")) {
                if (input.pattern().matcher(pipeline + side).matches()) {
                    throw error(top.asMap().get("source").value(), "source.pattern", "the pattern matches the"
                            + " pipeline's own topic " + pipeline + side, "narrow the pattern or rename the pipeline");
                }
            }
        }
        return new PipelineSpec(pipeline, input, steps, output);
    }

    private PipelineSpec.Source source(YamlNode.Entry entry) {
        YamlNode.Mapping map = mapping(entry.value(), "source");
        only(map, "source", Set.of("topics", "pattern", "format"));
        YamlNode.Entry topics = map.asMap().get("topics");
        YamlNode.Entry pattern = map.asMap().get("pattern");
        if ((topics == null) == (pattern == null)) {
            throw error(entry.value(), "source", topics == null ? "neither 'topics' nor 'pattern' is set"
                    : "both 'topics' and 'pattern' are set", "set exactly one of them");
        }
        PipelineSpec.Format format = PipelineSpec.Format.CHANGE;
        YamlNode.Entry formatEntry = map.asMap().get("format");
        if (formatEntry != null) {
            String value = text(formatEntry.value(), "source.format");
            format = switch (value) {
                case "change" -> PipelineSpec.Format.CHANGE;
                case "row" -> PipelineSpec.Format.ROW;
                default -> throw error(formatEntry.value(), "source.format", "unknown format '" + value + "'",
                        "use 'change' (Debezium change envelopes) or 'row'");
            };
        }
        if (topics != null) {
            List<String> names = strings(topics.value(), "source.topics");
            for (int i = 0; i < names.size(); i++) {
                if (!NAME.matcher(names.get(i)).matches()) {
                    throw error(topics.value(), "source.topics[" + i + "]", "'" + names.get(i)
                            + "' is not a valid topic name", "use letters, digits, '_', '-' and dots");
                }
            }
            return new PipelineSpec.Source(names, null, format);
        }
        String regex = text(pattern.value(), "source.pattern");
        try {
            return new PipelineSpec.Source(List.of(), Pattern.compile(regex), format);
        } catch (PatternSyntaxException e) {
            throw error(pattern.value(), "source.pattern", "'" + regex + "' is not a valid regular expression ("
                    + e.getDescription() + ")", "fix it, e.g. 'sluice\\.public\\.[^.]+'");
        }
    }

    private PipelineSpec.Output output(YamlNode.Entry entry) {
        YamlNode.Mapping map = mapping(entry.value(), "output");
        only(map, "output", Set.of("topic"));
        YamlNode.Entry topic = required(map, "output", "topic", "add 'topic:', e.g. 'clean.${schema}.${table}'");
        String template = text(topic.value(), "output.topic");
        Matcher placeholders = PLACEHOLDER.matcher(template);
        while (placeholders.find()) {
            if (!Set.of("schema", "table", "topic").contains(placeholders.group(1))) {
                throw error(topic.value(), "output.topic", "unknown placeholder '${" + placeholders.group(1) + "}'",
                        "use ${schema}, ${table} or ${topic}");
            }
        }
        String sample = PLACEHOLDER.matcher(template).replaceAll("x");
        if (!NAME.matcher(sample).matches()) {
            throw error(topic.value(), "output.topic", "'" + template + "' does not make a valid topic name",
                    "use letters, digits, '_', '-', dots and placeholders");
        }
        return new PipelineSpec.Output(template);
    }

    private List<StepSpec> steps(YamlNode node, PipelineSpec.Source input) {
        if (!(node instanceof YamlNode.Sequence list)) {
            throw error(node, "steps", "expected a list of steps but found " + node.kind(),
                    "write each step as '- <step>: {...}'");
        }
        List<StepSpec> steps = new ArrayList<>();
        Set<String> names = new HashSet<>();
        boolean unwrapped = input.format() == PipelineSpec.Format.ROW;
        for (int i = 0; i < list.items().size(); i++) {
            String path = "steps[" + i + "]";
            YamlNode.Mapping item = mapping(list.items().get(i), path);
            if (item.asMap().size() != 1) {
                throw error(item, path, "a step is a map with exactly one key, the step type, but this one has "
                        + item.asMap().keySet(), "split it into one list item per step");
            }
            YamlNode.Entry entry = item.asMap().values().iterator().next();
            String type = entry.key();
            String stepPath = path + "." + type;
            if (!STEPS.contains(type)) {
                throw new PipelineSpecException(source, entry.line(), entry.column(), path, "unknown step '" + type
                        + "'" + suggestion(type, STEPS), "use one of " + String.join(", ", STEPS));
            }
            StepSpec step = step(type, entry, stepPath);
            if (!names.add(step.name())) {
                throw new PipelineSpecException(source, entry.line(), entry.column(), stepPath,
                        "a second step is named '" + step.name() + "' (names key the step's state and processors)",
                        "give it its own name with 'name: ...'");
            }
            checkPlace(step, unwrapped, entry, stepPath, input.format());
            if (!steps.isEmpty() && steps.get(steps.size() - 1) instanceof StepSpec.Aggregate last) {
                throw new PipelineSpecException(source, entry.line(), entry.column(), stepPath, "no step can follow '"
                        + last.name() + "' (an aggregate changes the key and the row)",
                        "make the aggregate the last step, or run another pipeline on its output");
            }
            unwrapped |= step instanceof StepSpec.Unwrap;
            steps.add(step);
        }
        return steps;
    }

    private void checkPlace(StepSpec step, boolean unwrapped, YamlNode.Entry entry, String path,
                            PipelineSpec.Format format) {
        if (step instanceof StepSpec.Unwrap && unwrapped) {
            throw new PipelineSpecException(source, entry.line(), entry.column(), path,
                    format == PipelineSpec.Format.ROW ? "the source carries rows, which need no unwrap"
                            : "the records are already unwrapped", "remove this step");
        }
        if (step instanceof StepSpec.Dedupe dedupe && dedupe.idFields().isEmpty() && unwrapped) {
            throw new PipelineSpecException(source, entry.line(), entry.column(), path, "the default event id (the "
                    + "change's LSN + key) needs change envelopes, but the records are rows here",
                    "move dedupe before unwrap or give it 'id: [fields...]'");
        }
        // a custom step says nothing about what it expects: the user places it
        boolean rowStep = !(step instanceof StepSpec.Dedupe) && !(step instanceof StepSpec.Unwrap)
                && !(step instanceof StepSpec.Custom);
        if (rowStep && !unwrapped) {
            throw new PipelineSpecException(source, entry.line(), entry.column(), path, "'" + step.type()
                    + "' works on rows, but the records are still change envelopes here",
                    "add '- unwrap: {}' before it");
        }
    }

    private StepSpec step(String type, YamlNode.Entry entry, String path) {
        YamlNode node = entry.value();
        YamlNode.Mapping map = node instanceof YamlNode.Scalar scalar && scalar.isNull()
                ? new YamlNode.Mapping(new LinkedHashMap<>(), node.line(), node.column()) : mapping(node, path);
        int line = entry.line();
        String name = stepName(map, path, type);
        return switch (type) {
            case "dedupe" -> dedupe(map, path, name, line);
            case "unwrap" -> {
                only(map, path, Set.of("name"));
                yield new StepSpec.Unwrap(name, line);
            }
            case "filter" -> new StepSpec.Filter(name, line, List.of(condition(map, path)));
            case "project" -> {
                only(map, path, Set.of("name", "fields"));
                List<String> fields = strings(required(map, path, "fields", "list the columns to keep").value(),
                        path + ".fields");
                yield new StepSpec.Project(name, line, fields);
            }
            case "rename" -> {
                only(map, path, Set.of("name", "fields"));
                YamlNode.Mapping fields = mapping(required(map, path, "fields", "map old names to new ones, e.g. "
                        + "'fields: {amount: total}'").value(), path + ".fields");
                Map<String, String> renames = new LinkedHashMap<>();
                fields.asMap().forEach((from, to) -> renames.put(from, text(to.value(), path + ".fields." + from)));
                yield new StepSpec.Rename(name, line, renames);
            }
            case "mask" -> mask(map, path, name, line);
            case "expect" -> expect(map, path, name, line);
            case "enrich" -> enrich(map, path, name, line);
            case "aggregate" -> aggregate(map, path, name, line);
            case "custom" -> custom(map, path, name, line);
            default -> throw new IllegalStateException(type); // STEPS was checked by the caller
        };
    }

    private String stepName(YamlNode.Mapping map, String path, String type) {
        YamlNode.Entry entry = map.asMap().get("name");
        if (entry == null) {
            return type;
        }
        String name = text(entry.value(), path + ".name");
        if (!STEP_NAME.matcher(name).matches()) {
            throw error(entry.value(), path + ".name", "'" + name + "' is not a valid step name",
                    "use letters, digits, '_' and '-'");
        }
        return name;
    }

    private StepSpec dedupe(YamlNode.Mapping map, String path, String name, int line) {
        only(map, path, Set.of("name", "id", "window", "allowed-lateness", "retention"));
        Map<String, YamlNode.Entry> fields = map.asMap();
        List<String> id = fields.containsKey("id") ? strings(fields.get("id").value(), path + ".id") : List.of();
        if (fields.containsKey("retention")) {
            for (String windowed : List.of("window", "allowed-lateness", "id")) {
                if (fields.containsKey(windowed)) {
                    throw error(fields.get(windowed).value(), path + "." + windowed, "'retention' (the replication"
                            + " dedupe) cannot be combined with '" + windowed + "'",
                            "use either 'retention' alone or 'window' and 'allowed-lateness'");
                }
            }
            return new StepSpec.Dedupe(name, line, List.of(), null,
                    duration(fields.get("retention").value(), path + ".retention"));
        }
        Duration window = fields.containsKey("window") ? duration(fields.get("window").value(), path + ".window")
                : DedupeWindow.DEFAULT_WINDOW;
        Duration lateness = fields.containsKey("allowed-lateness")
                ? duration(fields.get("allowed-lateness").value(), path + ".allowed-lateness")
                : DedupeWindow.DEFAULT_ALLOWED_LATENESS;
        if (window.isZero()) {
            throw error(fields.get("window").value(), path + ".window", "the window must be positive",
                    "set how far apart in event time two copies of one event may be, e.g. 1h");
        }
        return new StepSpec.Dedupe(name, line, id, new DedupeWindow(window, lateness), null);
    }

    private Condition condition(YamlNode.Mapping map, String path) {
        only(map, path, Set.of("name", "field", "equals", "not-equals", "in", "not-in", "is-null"));
        String field = text(required(map, path, "field", "name the column to test").value(), path + ".field");
        List<String> ops = map.asMap().keySet().stream().filter(k -> !k.equals("name") && !k.equals("field")).toList();
        if (ops.size() != 1) {
            throw error(map, path, ops.isEmpty() ? "no test is given" : "several tests are given " + ops,
                    "give exactly one of equals, not-equals, in, not-in, is-null (use one filter step per test)");
        }
        String op = ops.get(0);
        YamlNode value = map.asMap().get(op).value();
        String at = path + "." + op;
        return switch (op) {
            case "equals" -> new Condition(field, Condition.Op.EQUALS, List.of(text(value, at)));
            case "not-equals" -> new Condition(field, Condition.Op.NOT_EQUALS, List.of(text(value, at)));
            case "in" -> new Condition(field, Condition.Op.IN, strings(value, at));
            case "not-in" -> new Condition(field, Condition.Op.NOT_IN, strings(value, at));
            default -> new Condition(field, bool(value, at) ? Condition.Op.IS_NULL : Condition.Op.NOT_NULL, List.of());
        };
    }

    private StepSpec mask(YamlNode.Mapping map, String path, String name, int line) {
        only(map, path, Set.of("name", "fields", "salt-env"));
        String saltEnv = map.asMap().containsKey("salt-env")
                ? text(map.asMap().get("salt-env").value(), path + ".salt-env") : DEFAULT_SALT_ENV;
        YamlNode.Mapping fields = mapping(required(map, path, "fields", "map each column to hash, redact, "
                + "{truncate: n} or {keep-last: n}").value(), path + ".fields");
        Map<String, MaskRule> rules = new LinkedHashMap<>();
        for (YamlNode.Entry entry : fields.asMap().values()) {
            String at = path + ".fields." + entry.key();
            YamlNode value = entry.value();
            if (value instanceof YamlNode.Scalar) {
                String rule = text(value, at);
                rules.put(entry.key(), switch (rule) {
                    case "hash" -> new MaskRule.Hash();
                    case "redact" -> new MaskRule.Redact();
                    default -> throw error(value, at, "unknown mask '" + rule + "'",
                            "use hash, redact, {truncate: n} or {keep-last: n}");
                });
            } else {
                YamlNode.Mapping rule = mapping(value, at);
                only(rule, at, Set.of("truncate", "keep-last"));
                if (rule.asMap().size() != 1) {
                    throw error(rule, at, "give exactly one of truncate, keep-last", "pick one");
                }
                YamlNode.Entry only = rule.asMap().values().iterator().next();
                int n = positiveInt(only.value(), at + "." + only.key());
                rules.put(entry.key(), only.key().equals("truncate") ? new MaskRule.Truncate(n)
                        : new MaskRule.KeepLast(n));
            }
        }
        return new StepSpec.Mask(name, line, rules, saltEnv);
    }

    private StepSpec expect(YamlNode.Mapping map, String path, String name, int line) {
        only(map, path, Set.of("name", "rules"));
        YamlNode node = required(map, path, "rules", "list the rules, e.g. '- {field: amount, min: 0}'").value();
        if (!(node instanceof YamlNode.Sequence list) || list.items().isEmpty()) {
            throw error(node, path + ".rules", "expected a non-empty list of rules but found " + node.kind(),
                    "write each rule as '- {field: ..., not-null: true | min/max | accepted-values | regex}'");
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            String at = path + ".rules[" + i + "]";
            YamlNode.Mapping rule = mapping(list.items().get(i), at);
            only(rule, at, Set.of("field", "not-null", "min", "max", "accepted-values", "regex"));
            String field = text(required(rule, at, "field", "name the column the rule checks").value(), at + ".field");
            Map<String, YamlNode.Entry> r = rule.asMap();
            int kinds = (r.containsKey("not-null") ? 1 : 0) + (r.containsKey("min") || r.containsKey("max") ? 1 : 0)
                    + (r.containsKey("accepted-values") ? 1 : 0) + (r.containsKey("regex") ? 1 : 0);
            if (kinds != 1) {
                throw error(rule, at, kinds == 0 ? "no check is given" : "several checks are given in one rule",
                        "give exactly one of not-null, min/max, accepted-values, regex per rule");
            }
            if (r.containsKey("not-null")) {
                if (!bool(r.get("not-null").value(), at + ".not-null")) {
                    throw error(r.get("not-null").value(), at + ".not-null", "'not-null: false' checks nothing",
                            "write 'not-null: true' or remove the rule");
                }
                rules.add(new Rule.NotNull(field));
            } else if (r.containsKey("accepted-values")) {
                rules.add(new Rule.AcceptedValues(field,
                        strings(r.get("accepted-values").value(), at + ".accepted-values")));
            } else if (r.containsKey("regex")) {
                YamlNode value = r.get("regex").value();
                String regex = text(value, at + ".regex");
                try {
                    rules.add(new Rule.Matches(field, Pattern.compile(regex)));
                } catch (PatternSyntaxException e) {
                    throw error(value, at + ".regex", "'" + regex + "' is not a valid regular expression ("
                            + e.getDescription() + ")", "fix the expression (quote it in single quotes)");
                }
            } else {
                BigDecimal min = r.containsKey("min") ? number(r.get("min").value(), at + ".min") : null;
                BigDecimal max = r.containsKey("max") ? number(r.get("max").value(), at + ".max") : null;
                if (min != null && max != null && min.compareTo(max) > 0) {
                    throw error(r.get("min").value(), at + ".min", "min " + min + " is above max " + max,
                            "swap them");
                }
                rules.add(new Rule.Range(field, min, max));
            }
        }
        return new StepSpec.Expect(name, line, rules);
    }

    private StepSpec enrich(YamlNode.Mapping map, String path, String name, int line) {
        only(map, path, Set.of("name", "table", "foreign-key", "dimension-key", "columns", "join", "history",
                "grace"));
        String table = text(required(map, path, "table", "name the dimension's row topic, e.g. "
                + "'table: replica.public.customers'").value(), path + ".table");
        if (!NAME.matcher(table).matches()) {
            throw error(map.asMap().get("table").value(), path + ".table", "'" + table + "' is not a valid topic name",
                    "use letters, digits, '_', '-' and dots");
        }
        String foreignKey = text(required(map, path, "foreign-key", "name the fact column holding the dimension key, "
                + "e.g. 'foreign-key: customer_id'").value(), path + ".foreign-key");
        String dimensionKey = map.asMap().containsKey("dimension-key")
                ? text(map.asMap().get("dimension-key").value(), path + ".dimension-key") : "id";
        YamlNode.Mapping columns = mapping(required(map, path, "columns", "map dimension columns to output names, e.g. "
                + "'columns: {name: customer_name}'").value(), path + ".columns");
        Map<String, String> added = new LinkedHashMap<>();
        columns.asMap().forEach((from, to) -> added.put(from, text(to.value(), path + ".columns." + from)));
        Enrichment.Mode mode = Enrichment.Mode.FOREIGN_KEY;
        YamlNode.Entry join = map.asMap().get("join");
        if (join != null) {
            String value = text(join.value(), path + ".join");
            mode = switch (value) {
                case "foreign-key" -> Enrichment.Mode.FOREIGN_KEY;
                case "global" -> Enrichment.Mode.GLOBAL;
                case "temporal" -> Enrichment.Mode.TEMPORAL;
                default -> throw error(join.value(), path + ".join", "unknown join '" + value + "'",
                        "use foreign-key (re-emits on dimension change), global (small dimensions) or temporal "
                                + "(the dimension as it was at the fact's time)");
            };
        }
        Duration history = null;
        YamlNode.Entry historyEntry = map.asMap().get("history");
        if (historyEntry != null) {
            if (mode != Enrichment.Mode.TEMPORAL) {
                throw error(historyEntry.value(), path + ".history", "'history' only applies to 'join: temporal'",
                        "remove it or set 'join: temporal'");
            }
            history = positiveDuration(historyEntry.value(), path + ".history");
        }
        Duration grace = null;
        YamlNode.Entry graceEntry = map.asMap().get("grace");
        if (graceEntry != null) {
            if (mode != Enrichment.Mode.TEMPORAL) {
                throw error(graceEntry.value(), path + ".grace", "'grace' only applies to 'join: temporal'",
                        "remove it or set 'join: temporal'");
            }
            grace = duration(graceEntry.value(), path + ".grace");
        }
        return new StepSpec.Enrich(name, line, new Enrichment(table, foreignKey, dimensionKey, added, mode, history,
                grace));
    }

    private StepSpec aggregate(YamlNode.Mapping map, String path, String name, int line) {
        only(map, path, Set.of("name", "window", "advance", "time-field", "group-by", "measures", "allowed-lateness",
                "emit", "rate-limit", "idle-timeout"));
        Map<String, YamlNode.Entry> fields = map.asMap();
        Duration window = duration(required(map, path, "window", "set the window size, e.g. 'window: 1m'")
                .value(), path + ".window");
        if (window.isZero()) {
            throw error(fields.get("window").value(), path + ".window", "the window must be positive",
                    "set e.g. 1m");
        }
        Duration advance = window;
        if (fields.containsKey("advance")) {
            advance = duration(fields.get("advance").value(), path + ".advance");
            if (advance.isZero() || advance.compareTo(window) > 0) {
                throw error(fields.get("advance").value(), path + ".advance", "a hopping window must advance by more"
                        + " than 0 and at most its size " + window, "set e.g. 'advance: 10s' for a 1m window");
            }
        }
        YamlNode.Entry timeEntry = fields.get("time-field");
        String timeField = timeEntry != null ? text(timeEntry.value(), path + ".time-field") : "__source_ts";
        Duration lateness = fields.containsKey("allowed-lateness")
                ? duration(fields.get("allowed-lateness").value(), path + ".allowed-lateness")
                : Aggregation.DEFAULT_ALLOWED_LATENESS;
        Aggregation.Emit emit = Aggregation.Emit.UPDATES;
        if (fields.containsKey("emit")) {
            String value = text(fields.get("emit").value(), path + ".emit");
            emit = switch (value) {
                case "final" -> Aggregation.Emit.FINAL;
                case "updates" -> Aggregation.Emit.UPDATES;
                default -> throw error(fields.get("emit").value(), path + ".emit", "unknown emit mode '" + value + "'",
                        "use 'final' (one row per window when it closes) or 'updates' (a row per change)");
            };
        }
        Duration rateLimit = null;
        if (fields.containsKey("rate-limit")) {
            if (emit == Aggregation.Emit.FINAL) {
                throw error(fields.get("rate-limit").value(), path + ".rate-limit", "'emit: final' sends one row per"
                        + " window, so there is nothing to rate-limit", "remove rate-limit or set 'emit: updates'");
            }
            rateLimit = positiveDuration(fields.get("rate-limit").value(), path + ".rate-limit");
        }
        Duration idleTimeout = fields.containsKey("idle-timeout")
                ? positiveDuration(fields.get("idle-timeout").value(), path + ".idle-timeout") : null;
        List<String> groupBy = fields.containsKey("group-by")
                ? strings(fields.get("group-by").value(), path + ".group-by") : List.of();
        YamlNode.Mapping measures = mapping(required(map, path, "measures", "name the outputs, e.g. "
                + "'measures: {orders: count, revenue: {sum: amount}}'").value(), path + ".measures");
        Map<String, Aggregation.Measure> out = new LinkedHashMap<>();
        for (YamlNode.Entry entry : measures.asMap().values()) {
            String at = path + ".measures." + entry.key();
            out.put(entry.key(), measure(entry.value(), at));
        }
        return new StepSpec.Aggregate(name, line, new Aggregation(groupBy, window, advance, timeField, lateness, emit,
                rateLimit, idleTimeout, out));
    }

    private Duration positiveDuration(YamlNode node, String path) {
        Duration value = duration(node, path);
        if (value.isZero()) {
            throw error(node, path, "the duration must be positive", "write e.g. 1s");
        }
        return value;
    }

    private Aggregation.Measure measure(YamlNode node, String at) {
        if (node instanceof YamlNode.Scalar) {
            if (text(node, at).equals("count")) {
                return new Aggregation.Measure(Aggregation.Measure.Kind.COUNT, null);
            }
            throw error(node, at, "unknown measure '" + text(node, at) + "'",
                    "use count or {sum|avg|min|max: column}");
        }
        YamlNode.Mapping measure = mapping(node, at);
        only(measure, at, Set.of("sum", "avg", "min", "max"));
        if (measure.asMap().size() != 1) {
            throw error(measure, at, "give exactly one of sum, avg, min, max", "pick one");
        }
        YamlNode.Entry only = measure.asMap().values().iterator().next();
        Aggregation.Measure.Kind kind = Aggregation.Measure.Kind.valueOf(only.key().toUpperCase(java.util.Locale.ROOT));
        return new Aggregation.Measure(kind, text(only.value(), at + "." + only.key()));
    }

    private StepSpec custom(YamlNode.Mapping map, String path, String name, int line) {
        only(map, path, Set.of("name", "class", "config"));
        YamlNode classNode = required(map, path, "class", "name the class implementing CustomStep").value();
        String className = text(classNode, path + ".class");
        Class<?> type;
        try {
            type = Class.forName(className, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw error(classNode, path + ".class", "class '" + className + "' is not on the classpath",
                    "check the name or add its jar");
        }
        if (!dev.sluice.transforms.pipeline.CustomStep.class.isAssignableFrom(type)) {
            throw error(classNode, path + ".class", "class '" + className + "' does not implement "
                    + dev.sluice.transforms.pipeline.CustomStep.class.getName(), "implement it");
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw error(classNode, path + ".class", "class '" + className + "' has no public no-argument constructor",
                    "add one");
        }
        Map<String, String> config = new LinkedHashMap<>();
        if (map.asMap().containsKey("config")) {
            YamlNode.Mapping entries = mapping(map.asMap().get("config").value(), path + ".config");
            entries.asMap().forEach((key, value) -> config.put(key, text(value.value(), path + ".config." + key)));
        }
        return new StepSpec.Custom(name, line, type.asSubclass(dev.sluice.transforms.pipeline.CustomStep.class),
                config);
    }

    // ---- typed readers: each names the place and the fix ----

    private YamlNode.Mapping mapping(YamlNode node, String path) {
        if (node instanceof YamlNode.Mapping map) {
            return map;
        }
        throw error(node, path, "expected a map but found " + node.kind(), "write 'key: value' pairs under it");
    }

    private void only(YamlNode.Mapping map, String path, Set<String> allowed) {
        for (YamlNode.Entry entry : map.asMap().values()) {
            if (!allowed.contains(entry.key())) {
                List<String> sorted = allowed.stream().sorted().toList();
                throw new PipelineSpecException(source, entry.line(), entry.column(),
                        path.isEmpty() ? entry.key() : path + "." + entry.key(),
                        "unknown field '" + entry.key() + "'" + suggestion(entry.key(), sorted),
                        "use one of " + String.join(", ", sorted));
            }
        }
    }

    private YamlNode.Entry required(YamlNode.Mapping map, String path, String key, String fix) {
        YamlNode.Entry entry = map.asMap().get(key);
        if (entry == null) {
            throw error(map, path.isEmpty() ? key : path + "." + key, "'" + key + "' is missing", fix);
        }
        return entry;
    }

    private String text(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar scalar && !scalar.isNull() && !scalar.text().isBlank()) {
            return scalar.text();
        }
        throw error(node, path, "expected a value but found " + node.kind(), "write a value after the colon");
    }

    private List<String> strings(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar) {
            return List.of(text(node, path));
        }
        if (node instanceof YamlNode.Sequence list && !list.items().isEmpty()) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < list.items().size(); i++) {
                values.add(text(list.items().get(i), path + "[" + i + "]"));
            }
            return values;
        }
        throw error(node, path, "expected a non-empty list of values but found " + node.kind(),
                "write e.g. [a, b]");
    }

    private boolean bool(YamlNode node, String path) {
        String value = text(node, path);
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        throw error(node, path, "'" + value + "' is not true or false", "write true or false");
    }

    private int positiveInt(YamlNode node, String path) {
        String value = text(node, path);
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw error(node, path, "'" + value + "' is not a positive whole number", "write e.g. 4");
    }

    private BigDecimal number(YamlNode node, String path) {
        String value = text(node, path);
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw error(node, path, "'" + value + "' is not a number", "write e.g. 0 or 99.5");
        }
    }

    private Duration duration(YamlNode node, String path) {
        String value = text(node, path).trim();
        Matcher m = DURATION.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            Duration parsed = Duration.parse(value);
            if (!parsed.isNegative()) {
                return parsed;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw error(node, path, "'" + value + "' is not a duration", "write e.g. 500ms, 30s, 10m, 1h or 1d");
    }

    private PipelineSpecException error(YamlNode node, String path, String problem, String fix) {
        return new PipelineSpecException(source, node.line(), node.column(), path, problem, fix);
    }

    /** ", did you mean 'x'?" for a near miss (edit distance at most 2), else "". */
    private static String suggestion(String typed, List<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int distance = distance(typed, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
