package dev.sluice.transforms.pipeline.spec;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * One step as written in a spec, handed to its {@link StepTypes parser}: its fields, its place ({@code path}, e.g.
 * {@code steps[2].filter}, and {@code line}), its name (the type unless {@code name:} says otherwise) and the
 * {@link SpecReader} that turns fields into values or into an error naming the place.
 */
public record StepYaml(YamlNode.Mapping fields, String path, String name, int line, SpecReader read) {

    /** Refuses any field but {@code name} and these. */
    public void only(String... allowed) {
        Set<String> keys = new HashSet<>(Set.of(allowed));
        keys.add("name");
        read.only(fields, path, keys);
    }

    public boolean has(String key) {
        return fields.asMap().containsKey(key);
    }

    /** The value node of a field that is present. */
    public YamlNode node(String key) {
        return fields.asMap().get(key).value();
    }

    public YamlNode required(String key, String fix) {
        return read.required(fields, path, key, fix).value();
    }

    /** The field path of {@code key}, for messages. */
    public String at(String key) {
        return path + "." + key;
    }

    public Map<String, YamlNode.Entry> asMap() {
        return fields.asMap();
    }

    public PipelineSpecException error(YamlNode node, String key, String problem, String fix) {
        return read.error(node, at(key), problem, fix);
    }
}
