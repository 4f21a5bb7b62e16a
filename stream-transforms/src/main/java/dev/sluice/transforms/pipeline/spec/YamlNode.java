package dev.sluice.transforms.pipeline.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed YAML value that remembers where it was written, so that a spec error can name the line. Maps keep
 * their key order and each key's own position.
 */
public sealed interface YamlNode {

    int line();

    int column();

    /** What the node is, for error messages: "a map", "a list", "a value". */
    String kind();

    record Scalar(String text, boolean isNull, int line, int column) implements YamlNode {
        @Override
        public String kind() {
            return isNull ? "empty" : "a value";
        }
    }

    record Sequence(List<YamlNode> items, int line, int column) implements YamlNode {
        @Override
        public String kind() {
            return "a list";
        }
    }

    record Mapping(LinkedHashMap<String, Entry> entries, int line, int column) implements YamlNode {
        @Override
        public String kind() {
            return "a map";
        }

        public Map<String, Entry> asMap() {
            return entries;
        }
    }

    /** A key of a mapping, at its own position, with its value. */
    record Entry(String key, int line, int column, YamlNode value) {
    }
}
