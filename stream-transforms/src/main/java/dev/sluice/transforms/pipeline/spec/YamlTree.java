package dev.sluice.transforms.pipeline.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Reads YAML into {@link YamlNode}s with line and column, using Jackson's YAML parser token by token (its
 * tree model drops locations). Duplicate keys are an error, since YAML would silently keep the last one.
 */
final class YamlTree {

    private YamlTree() {
    }

    static YamlNode parse(String yaml, String source) {
        try (JsonParser parser = new YAMLFactory().createParser(new StringReader(yaml))) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new PipelineSpecException(source, 1, 1, "(document)", "the spec is empty",
                        "write at least 'pipeline:', 'source:' and 'output:'");
            }
            return read(parser, source);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new PipelineSpecException(source, at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                    "(document)", "this is not valid YAML (" + e.getOriginalMessage() + ")",
                    "fix the indentation or quoting there");
        } catch (IOException e) {
            throw new PipelineSpecException(source, 0, 0, "(document)", "it cannot be read (" + e.getMessage() + ")",
                    "check the file");
        }
    }

    private static YamlNode read(JsonParser parser, String source) throws IOException {
        JsonLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                LinkedHashMap<String, YamlNode.Entry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    JsonLocation keyAt = parser.currentTokenLocation();
                    String key = parser.currentName();
                    parser.nextToken();
                    YamlNode value = read(parser, source);
                    if (entries.containsKey(key)) {
                        throw new PipelineSpecException(source, keyAt.getLineNr(), keyAt.getColumnNr(), key,
                                "the key '" + key + "' appears twice in one map", "keep one of them");
                    }
                    entries.put(key, new YamlNode.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
                }
                return new YamlNode.Mapping(entries, line, column);
            }
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(read(parser, source));
                }
                return new YamlNode.Sequence(items, line, column);
            }
            case VALUE_NULL -> {
                return new YamlNode.Scalar(null, true, line, column);
            }
            default -> {
                return new YamlNode.Scalar(parser.getText(), false, line, column);
            }
        }
    }
}
