package dev.sluice.transforms.filter;

import dev.sluice.transforms.pipeline.spec.StepBuild;
import dev.sluice.transforms.pipeline.spec.StepColumns;
import dev.sluice.transforms.pipeline.spec.StepSpec;
import dev.sluice.transforms.pipeline.spec.StepYaml;
import dev.sluice.transforms.pipeline.spec.YamlNode;
import java.util.List;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;

/** {@code - filter: {field: status, not-in: [cancelled]}}: keeps the rows for which the condition holds. */
public record FilterSpec(String name, int line, List<Condition> conditions) implements StepSpec {

    public FilterSpec {
        conditions = List.copyOf(conditions);
    }

    public static FilterSpec parse(StepYaml step) {
        step.only("field", "equals", "not-equals", "in", "not-in", "is-null");
        String field = step.read().text(step.required("field", "name the column to test"), step.at("field"));
        List<String> ops = step.asMap().keySet().stream().filter(k -> !k.equals("name") && !k.equals("field")).toList();
        if (ops.size() != 1) {
            throw step.read().error(step.fields(), step.path(), ops.isEmpty() ? "no test is given"
                    : "several tests are given " + ops,
                    "give exactly one of equals, not-equals, in, not-in, is-null (use one filter step per test)");
        }
        String op = ops.get(0);
        YamlNode value = step.node(op);
        String at = step.at(op);
        Condition condition = switch (op) {
            case "equals" -> new Condition(field, Condition.Op.EQUALS, List.of(step.read().text(value, at)));
            case "not-equals" -> new Condition(field, Condition.Op.NOT_EQUALS, List.of(step.read().text(value, at)));
            case "in" -> new Condition(field, Condition.Op.IN, step.read().strings(value, at));
            case "not-in" -> new Condition(field, Condition.Op.NOT_IN, step.read().strings(value, at));
            default -> new Condition(field, step.read().bool(value, at) ? Condition.Op.IS_NULL : Condition.Op.NOT_NULL,
                    List.of());
        };
        return new FilterSpec(step.name(), step.line(), List.of(condition));
    }

    @Override
    public String type() {
        return "filter";
    }

    @Override
    public KStream<GenericRecord, GenericRecord> addTo(KStream<GenericRecord, GenericRecord> input, StepBuild build) {
        return FilterStep.apply(input, name, conditions);
    }

    @Override
    public Optional<StepColumns> columnsAfter(StepColumns before) {
        conditions.forEach(c -> before.require(this, c.field(), "field"));
        return Optional.of(before);
    }
}
