package dev.sluice.transforms.mask;

import dev.sluice.transforms.pipeline.spec.StepBuild;
import dev.sluice.transforms.pipeline.spec.StepColumns;
import dev.sluice.transforms.pipeline.spec.StepSpec;
import dev.sluice.transforms.pipeline.spec.StepYaml;
import dev.sluice.transforms.pipeline.spec.YamlNode;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;

/**
 * {@code - mask: {fields: {email: hash, phone: {keep-last: 4}, note: {truncate: 20}, name: redact}}}, see
 * {@link MaskStep}. {@code saltEnv}: the environment variable holding the secret salt of hashed columns.
 */
public record MaskSpec(String name, int line, Map<String, MaskRule> fields, String saltEnv) implements StepSpec {

    /** Where hashed columns take their salt unless the step names another variable. */
    public static final String DEFAULT_SALT_ENV = "SLUICE_MASK_SALT";

    public MaskSpec {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static MaskSpec parse(StepYaml step) {
        step.only("fields", "salt-env");
        String saltEnv = step.has("salt-env") ? step.read().text(step.node("salt-env"), step.at("salt-env"))
                : DEFAULT_SALT_ENV;
        YamlNode.Mapping fields = step.read().mapping(step.required("fields", "map each column to hash, redact, "
                + "{truncate: n} or {keep-last: n}"), step.at("fields"));
        Map<String, MaskRule> rules = new LinkedHashMap<>();
        for (YamlNode.Entry entry : fields.asMap().values()) {
            rules.put(entry.key(), rule(step, entry.value(), step.at("fields") + "." + entry.key()));
        }
        return new MaskSpec(step.name(), step.line(), rules, saltEnv);
    }

    private static MaskRule rule(StepYaml step, YamlNode value, String at) {
        if (value instanceof YamlNode.Scalar) {
            String rule = step.read().text(value, at);
            return switch (rule) {
                case "hash" -> new MaskRule.Hash();
                case "redact" -> new MaskRule.Redact();
                default -> throw step.read().error(value, at, "unknown mask '" + rule + "'",
                        "use hash, redact, {truncate: n} or {keep-last: n}");
            };
        }
        YamlNode.Mapping rule = step.read().mapping(value, at);
        step.read().only(rule, at, java.util.Set.of("truncate", "keep-last"));
        if (rule.asMap().size() != 1) {
            throw step.read().error(rule, at, "give exactly one of truncate, keep-last", "pick one");
        }
        YamlNode.Entry only = rule.asMap().values().iterator().next();
        int n = step.read().positiveInt(only.value(), at + "." + only.key());
        return only.key().equals("truncate") ? new MaskRule.Truncate(n) : new MaskRule.KeepLast(n);
    }

    @Override
    public String type() {
        return "mask";
    }

    @Override
    public KStream<GenericRecord, GenericRecord> addTo(KStream<GenericRecord, GenericRecord> input, StepBuild build) {
        return MaskStep.apply(input, name, fields, salt(build));
    }

    private byte[] salt(StepBuild build) {
        if (fields.values().stream().noneMatch(MaskRule.Hash.class::isInstance)) {
            return null;
        }
        String salt = build.env().apply(saltEnv);
        if (salt == null || salt.length() < 16) {
            throw new IllegalArgumentException("Step '" + name + "' (line " + line + ") hashes columns, but the"
                    + " environment variable " + saltEnv + (salt == null ? " is not set"
                    : " is shorter than 16 characters") + "; export it with a long random secret.");
        }
        return salt.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Optional<StepColumns> columnsAfter(StepColumns before) {
        fields.keySet().forEach(c -> before.require(this, c, "fields"));
        return Optional.of(before);
    }
}
