package dev.sluice.transforms.project;

import dev.sluice.transforms.pipeline.spec.StepBuild;
import dev.sluice.transforms.pipeline.spec.StepColumns;
import dev.sluice.transforms.pipeline.spec.StepSpec;
import dev.sluice.transforms.pipeline.spec.StepYaml;
import dev.sluice.transforms.pipeline.spec.YamlNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;

/** {@code - rename: {fields: {amount: total}}}: renames columns, keeping the others. */
public record RenameSpec(String name, int line, Map<String, String> fields) implements StepSpec {

    public RenameSpec {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static RenameSpec parse(StepYaml step) {
        step.only("fields");
        YamlNode.Mapping fields = step.read().mapping(step.required("fields", "map old names to new ones, e.g. "
                + "'fields: {amount: total}'"), step.at("fields"));
        Map<String, String> renames = new LinkedHashMap<>();
        fields.asMap().forEach((from, to) -> renames.put(from, step.read().text(to.value(),
                step.at("fields") + "." + from)));
        return new RenameSpec(step.name(), step.line(), renames);
    }

    @Override
    public String type() {
        return "rename";
    }

    @Override
    public KStream<GenericRecord, GenericRecord> addTo(KStream<GenericRecord, GenericRecord> input, StepBuild build) {
        return ProjectStep.rename(input, name, fields);
    }

    @Override
    public Optional<StepColumns> columnsAfter(StepColumns before) {
        fields.keySet().forEach(c -> before.require(this, c, "fields"));
        Map<String, Schema> renamed = new LinkedHashMap<>();
        before.columns().forEach((column, type) -> renamed.put(fields.getOrDefault(column, column), type));
        return Optional.of(before.with(renamed));
    }
}
