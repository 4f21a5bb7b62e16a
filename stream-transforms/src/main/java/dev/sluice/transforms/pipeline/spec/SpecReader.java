package dev.sluice.transforms.pipeline.spec;

import dev.sluice.transforms.time.DurationText;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Typed reads of a spec's YAML nodes. Each read either returns the value or throws a {@link PipelineSpecException}
 * naming the file, line, column and field path, what is wrong and the fix.
 */
public final class SpecReader {

    /** Topic names and pipeline names: dot-separated parts of letters, digits, '_' and '-'. */
    public static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9_-]+(\\.[a-zA-Z0-9_-]+)*");

    private final String source;

    SpecReader(String source) {
        this.source = source;
    }

    public YamlNode.Mapping mapping(YamlNode node, String path) {
        if (node instanceof YamlNode.Mapping map) {
            return map;
        }
        throw error(node, path, "expected a map but found " + node.kind(), "write 'key: value' pairs under it");
    }

    /** Refuses any key of {@code map} not in {@code allowed}, suggesting the nearest allowed one. */
    public void only(YamlNode.Mapping map, String path, Set<String> allowed) {
        for (YamlNode.Entry entry : map.asMap().values()) {
            if (!allowed.contains(entry.key())) {
                List<String> sorted = allowed.stream().sorted().toList();
                throw new PipelineSpecException(source, entry.line(), entry.column(),
                        path.isEmpty() ? entry.key() : path + "." + entry.key(),
                        "unknown field '" + entry.key() + "'" + NearMiss.suggestion(entry.key(), sorted),
                        "use one of " + String.join(", ", sorted));
            }
        }
    }

    public YamlNode.Entry required(YamlNode.Mapping map, String path, String key, String fix) {
        YamlNode.Entry entry = map.asMap().get(key);
        if (entry == null) {
            throw error(map, path.isEmpty() ? key : path + "." + key, "'" + key + "' is missing", fix);
        }
        return entry;
    }

    public String text(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar scalar && !scalar.isNull() && !scalar.text().isBlank()) {
            return scalar.text();
        }
        throw error(node, path, "expected a value but found " + node.kind(), "write a value after the colon");
    }

    public List<String> strings(YamlNode node, String path) {
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

    public boolean bool(YamlNode node, String path) {
        String value = text(node, path);
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        throw error(node, path, "'" + value + "' is not true or false", "write true or false");
    }

    public int positiveInt(YamlNode node, String path) {
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

    public BigDecimal number(YamlNode node, String path) {
        String value = text(node, path);
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw error(node, path, "'" + value + "' is not a number", "write e.g. 0 or 99.5");
        }
    }

    public Duration duration(YamlNode node, String path) {
        String value = text(node, path);
        return DurationText.parse(value).orElseThrow(() -> error(node, path, "'" + value.trim()
                + "' is not a duration", "write e.g. " + DurationText.EXAMPLES));
    }

    public Duration positiveDuration(YamlNode node, String path) {
        Duration value = duration(node, path);
        if (value.isZero()) {
            throw error(node, path, "the duration must be positive", "write e.g. 1s");
        }
        return value;
    }

    public Pattern regex(YamlNode node, String path, String fix) {
        String regex = text(node, path);
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw error(node, path, "'" + regex + "' is not a valid regular expression (" + e.getDescription() + ")",
                    fix);
        }
    }

    public String topicName(YamlNode node, String path) {
        String name = text(node, path);
        if (!TOPIC_NAME.matcher(name).matches()) {
            throw error(node, path, "'" + name + "' is not a valid topic name", "use letters, digits, '_', '-' and dots");
        }
        return name;
    }

    public PipelineSpecException error(YamlNode node, String path, String problem, String fix) {
        return new PipelineSpecException(source, node.line(), node.column(), path, problem, fix);
    }

    public PipelineSpecException error(YamlNode.Entry entry, String path, String problem, String fix) {
        return new PipelineSpecException(source, entry.line(), entry.column(), path, problem, fix);
    }
}
