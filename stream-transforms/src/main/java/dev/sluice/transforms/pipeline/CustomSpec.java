package dev.sluice.transforms.pipeline;

import dev.sluice.transforms.pipeline.spec.StepBuild;
import dev.sluice.transforms.pipeline.spec.StepColumns;
import dev.sluice.transforms.pipeline.spec.StepPlace;
import dev.sluice.transforms.pipeline.spec.StepSpec;
import dev.sluice.transforms.pipeline.spec.StepYaml;
import dev.sluice.transforms.pipeline.spec.YamlNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;

/**
 * {@code - custom: {class: com.acme.GeoLookup, config: {...}}}: a user's {@link CustomStep}. The parser checks that
 * the class exists, implements the interface and has a public no-argument constructor; it is instantiated when
 * the topology is built.
 */
public record CustomSpec(String name, int line, Class<? extends CustomStep> stepClass, Map<String, String> config)
        implements StepSpec {

    public CustomSpec {
        config = Map.copyOf(config);
    }

    public static CustomSpec parse(StepYaml step) {
        step.only("class", "config");
        YamlNode classNode = step.required("class", "name the class implementing CustomStep");
        String className = step.read().text(classNode, step.at("class"));
        Class<?> type;
        try {
            type = Class.forName(className, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw step.error(classNode, "class", "class '" + className + "' is not on the classpath",
                    "check the name or add its jar");
        }
        if (!CustomStep.class.isAssignableFrom(type)) {
            throw step.error(classNode, "class", "class '" + className + "' does not implement "
                    + CustomStep.class.getName(), "implement it");
        }
        try {
            type.getConstructor();
        } catch (NoSuchMethodException e) {
            throw step.error(classNode, "class", "class '" + className + "' has no public no-argument constructor",
                    "add one");
        }
        Map<String, String> config = new LinkedHashMap<>();
        if (step.has("config")) {
            YamlNode.Mapping entries = step.read().mapping(step.node("config"), step.at("config"));
            entries.asMap().forEach((key, value) -> config.put(key, step.read().text(value.value(),
                    step.at("config") + "." + key)));
        }
        return new CustomSpec(step.name(), step.line(), type.asSubclass(CustomStep.class), config);
    }

    @Override
    public String type() {
        return "custom";
    }

    /** A custom step says nothing about what it expects: the user places it. */
    @Override
    public void checkPlace(StepPlace place) {
    }

    /** It may drop, reorder or regroup records: source heartbeats are not relayed past it. */
    @Override
    public boolean relaysHeartbeats() {
        return false;
    }

    @Override
    public Optional<StepColumns> columnsAfter(StepColumns before) {
        return Optional.empty();
    }

    @Override
    public KStream<GenericRecord, GenericRecord> addTo(KStream<GenericRecord, GenericRecord> input, StepBuild build) {
        return instantiate().apply(input, new CustomStep.Context(name, config, build.builder(), build.keySerde(),
                build.valueSerde()));
    }

    private CustomStep instantiate() {
        try {
            return stepClass.getConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalArgumentException("Step '" + name + "' (line " + line + "): " + stepClass.getName()
                    + " cannot be created (" + cause + "); fix its constructor.", e);
        }
    }
}
