package dev.sluice.transforms.expect;

import dev.sluice.transforms.pipeline.spec.StepBuild;
import dev.sluice.transforms.pipeline.spec.StepColumns;
import dev.sluice.transforms.pipeline.spec.StepSpec;
import dev.sluice.transforms.pipeline.spec.StepYaml;
import dev.sluice.transforms.pipeline.spec.YamlNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;

/**
 * {@code - expect: {rules: [{field: amount, min: 0}, ...]}}: rows failing a rule go to the pipeline's quarantine
 * topic with the rule in a header, see {@link ExpectStep}.
 */
public record ExpectSpec(String name, int line, List<Rule> rules) implements StepSpec {

    @Override
    public boolean quarantines() {
        return true;
    }

    public ExpectSpec {
        rules = List.copyOf(rules);
    }

    public static ExpectSpec parse(StepYaml step) {
        step.only("rules");
        YamlNode node = step.required("rules", "list the rules, e.g. '- {field: amount, min: 0}'");
        if (!(node instanceof YamlNode.Sequence list) || list.items().isEmpty()) {
            throw step.error(node, "rules", "expected a non-empty list of rules but found " + node.kind(),
                    "write each rule as '- {field: ..., not-null: true | min/max | accepted-values | regex}'");
        }
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            rules.add(rule(step, list.items().get(i), step.at("rules") + "[" + i + "]"));
        }
        return new ExpectSpec(step.name(), step.line(), rules);
    }

    private static Rule rule(StepYaml step, YamlNode node, String at) {
        YamlNode.Mapping rule = step.read().mapping(node, at);
        step.read().only(rule, at, Set.of("field", "not-null", "min", "max", "accepted-values", "regex"));
        String field = step.read().text(step.read().required(rule, at, "field", "name the column the rule checks")
                .value(), at + ".field");
        Map<String, YamlNode.Entry> r = rule.asMap();
        int kinds = (r.containsKey("not-null") ? 1 : 0) + (r.containsKey("min") || r.containsKey("max") ? 1 : 0)
                + (r.containsKey("accepted-values") ? 1 : 0) + (r.containsKey("regex") ? 1 : 0);
        if (kinds != 1) {
            throw step.read().error(rule, at, kinds == 0 ? "no check is given" : "several checks are given in one rule",
                    "give exactly one of not-null, min/max, accepted-values, regex per rule");
        }
        if (r.containsKey("not-null")) {
            if (!step.read().bool(r.get("not-null").value(), at + ".not-null")) {
                throw step.read().error(r.get("not-null").value(), at + ".not-null", "'not-null: false' checks nothing",
                        "write 'not-null: true' or remove the rule");
            }
            return new Rule.NotNull(field);
        }
        if (r.containsKey("accepted-values")) {
            return new Rule.AcceptedValues(field,
                    step.read().strings(r.get("accepted-values").value(), at + ".accepted-values"));
        }
        if (r.containsKey("regex")) {
            return new Rule.Matches(field, step.read().regex(r.get("regex").value(), at + ".regex",
                    "fix the expression (quote it in single quotes)"));
        }
        BigDecimal min = r.containsKey("min") ? step.read().number(r.get("min").value(), at + ".min") : null;
        BigDecimal max = r.containsKey("max") ? step.read().number(r.get("max").value(), at + ".max") : null;
        if (min != null && max != null && min.compareTo(max) > 0) {
            throw step.read().error(r.get("min").value(), at + ".min", "min " + min + " is above max " + max,
                    "swap them");
        }
        return new Rule.Range(field, min, max);
    }

    @Override
    public String type() {
        return "expect";
    }

    @Override
    public KStream<GenericRecord, GenericRecord> addTo(KStream<GenericRecord, GenericRecord> input, StepBuild build) {
        return ExpectStep.apply(input, name, rules, build.metrics().quarantined(), build.pipeline().quarantineTopic(),
                build.produced());
    }

    @Override
    public Optional<StepColumns> columnsAfter(StepColumns before) {
        rules.forEach(rule -> before.require(this, rule.field(), "field"));
        return Optional.of(before);
    }
}
