package dev.sluice.transforms.project;

import dev.sluice.transforms.pipeline.spec.StepBuild;
import dev.sluice.transforms.pipeline.spec.StepColumns;
import dev.sluice.transforms.pipeline.spec.StepSpec;
import dev.sluice.transforms.pipeline.spec.StepYaml;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;

/** {@code - project: {fields: [id, amount]}}: keeps only these columns, in this order. */
public record ProjectSpec(String name, int line, List<String> fields) implements StepSpec {

    public ProjectSpec {
        fields = List.copyOf(fields);
    }

    public static ProjectSpec parse(StepYaml step) {
        step.only("fields");
        return new ProjectSpec(step.name(), step.line(),
                step.read().strings(step.required("fields", "list the columns to keep"), step.at("fields")));
    }

    @Override
    public String type() {
        return "project";
    }

    @Override
    public KStream<GenericRecord, GenericRecord> addTo(KStream<GenericRecord, GenericRecord> input, StepBuild build) {
        return ProjectStep.project(input, name, fields);
    }

    @Override
    public Optional<StepColumns> columnsAfter(StepColumns before) {
        Map<String, Schema> kept = new LinkedHashMap<>();
        fields.forEach(c -> kept.put(c, before.require(this, c, "fields")));
        return Optional.of(before.with(kept));
    }
}
