package dev.sluice.transforms.aggregate;

import dev.sluice.transforms.pipeline.spec.StepBuild;
import dev.sluice.transforms.pipeline.spec.StepColumns;
import dev.sluice.transforms.pipeline.spec.StepSpec;
import dev.sluice.transforms.pipeline.spec.StepYaml;
import dev.sluice.transforms.pipeline.spec.YamlNode;
import dev.sluice.transforms.row.Fields;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;

/**
 * {@code - aggregate: {window: 1m, group-by: [category], measures: {orders: count, revenue: {sum: amount}}}}:
 * windowed aggregates with retraction, see {@link AggregateStep}. It re-keys the rows, so it is the last step.
 */
public record AggregateSpec(String name, int line, Aggregation aggregation) implements StepSpec {

    public static AggregateSpec parse(StepYaml step) {
        step.only("window", "advance", "time-field", "group-by", "measures", "allowed-lateness", "emit", "rate-limit",
                "idle-timeout");
        Duration window = step.read().duration(step.required("window", "set the window size, e.g. 'window: 1m'"),
                step.at("window"));
        if (window.isZero()) {
            throw step.error(step.node("window"), "window", "the window must be positive", "set e.g. 1m");
        }
        Duration advance = window;
        if (step.has("advance")) {
            advance = step.read().duration(step.node("advance"), step.at("advance"));
            if (advance.isZero() || advance.compareTo(window) > 0) {
                throw step.error(step.node("advance"), "advance", "a hopping window must advance by more than 0 and"
                        + " at most its size " + window, "set e.g. 'advance: 10s' for a 1m window");
            }
        }
        String timeField = step.has("time-field") ? step.read().text(step.node("time-field"), step.at("time-field"))
                : "__source_ts";
        Duration lateness = step.has("allowed-lateness")
                ? step.read().duration(step.node("allowed-lateness"), step.at("allowed-lateness"))
                : Aggregation.DEFAULT_ALLOWED_LATENESS;
        Aggregation.Emit emit = step.has("emit") ? emit(step) : Aggregation.Emit.UPDATES;
        Duration rateLimit = null;
        if (step.has("rate-limit")) {
            if (emit == Aggregation.Emit.FINAL) {
                throw step.error(step.node("rate-limit"), "rate-limit", "'emit: final' sends one row per window, so"
                        + " there is nothing to rate-limit", "remove rate-limit or set 'emit: updates'");
            }
            rateLimit = step.read().positiveDuration(step.node("rate-limit"), step.at("rate-limit"));
        }
        Duration idleTimeout = step.has("idle-timeout")
                ? step.read().positiveDuration(step.node("idle-timeout"), step.at("idle-timeout")) : null;
        List<String> groupBy = step.has("group-by")
                ? step.read().strings(step.node("group-by"), step.at("group-by")) : List.of();
        YamlNode.Mapping measures = step.read().mapping(step.required("measures", "name the outputs, e.g. "
                + "'measures: {orders: count, revenue: {sum: amount}}'"), step.at("measures"));
        Map<String, Aggregation.Measure> out = new LinkedHashMap<>();
        for (YamlNode.Entry entry : measures.asMap().values()) {
            out.put(entry.key(), measure(step, entry.value(), step.at("measures") + "." + entry.key()));
        }
        return new AggregateSpec(step.name(), step.line(), new Aggregation(groupBy, window, advance, timeField,
                lateness, emit, rateLimit, idleTimeout, out));
    }

    private static Aggregation.Emit emit(StepYaml step) {
        String value = step.read().text(step.node("emit"), step.at("emit"));
        return switch (value) {
            case "final" -> Aggregation.Emit.FINAL;
            case "updates" -> Aggregation.Emit.UPDATES;
            default -> throw step.error(step.node("emit"), "emit", "unknown emit mode '" + value + "'",
                    "use 'final' (one row per window when it closes) or 'updates' (a row per change)");
        };
    }

    private static Aggregation.Measure measure(StepYaml step, YamlNode node, String at) {
        if (node instanceof YamlNode.Scalar) {
            if (step.read().text(node, at).equals("count")) {
                return new Aggregation.Measure(Aggregation.Measure.Kind.COUNT, null);
            }
            throw step.read().error(node, at, "unknown measure '" + step.read().text(node, at) + "'",
                    "use count or {sum|avg|min|max: column}");
        }
        YamlNode.Mapping measure = step.read().mapping(node, at);
        step.read().only(measure, at, Set.of("sum", "avg", "min", "max"));
        if (measure.asMap().size() != 1) {
            throw step.read().error(measure, at, "give exactly one of sum, avg, min, max", "pick one");
        }
        YamlNode.Entry only = measure.asMap().values().iterator().next();
        Aggregation.Measure.Kind kind = Aggregation.Measure.Kind.valueOf(only.key().toUpperCase(Locale.ROOT));
        return new Aggregation.Measure(kind, step.read().text(only.value(), at + "." + only.key()));
    }

    @Override
    public String type() {
        return "aggregate";
    }

    @Override
    public boolean regroups() {
        return true;
    }

    @Override
    public boolean mustBeLast() {
        return true;
    }

    @Override
    public Optional<Map.Entry<Schema, Schema>> outputSchemas() {
        return Optional.of(AggregateStep.outputSchemas(name, aggregation));
    }

    @Override
    public KStream<GenericRecord, GenericRecord> addTo(KStream<GenericRecord, GenericRecord> input, StepBuild build) {
        return AggregateStep.apply(input, name, aggregation, build.keySerde(), build.valueSerde(),
                build.metrics().late(), build.pipeline().lateTopic());
    }

    @Override
    public Optional<StepColumns> columnsAfter(StepColumns before) {
        String time = aggregation.timeField();
        if (!before.columns().containsKey(time)) {
            throw before.problem(this, "the window has no time field: '" + time + "' is not a column of the rows here"
                    + " (columns: " + String.join(", ", before.columns().keySet()) + ")",
                    "set time-field to one of their timestamp columns");
        }
        if (!isTime(before.columns().get(time))) {
            throw before.problem(this, "time-field '" + time + "' holds " + Fields.nonNull(before.columns().get(time))
                    .getType().getName() + " values, not times", "pick a timestamp, timestamptz or epoch-millis column");
        }
        aggregation.groupBy().forEach(c -> before.require(this, c, "group-by"));
        aggregation.measures().values().stream().filter(m -> m.field() != null)
                .forEach(m -> before.require(this, m.field(), "measures"));
        return Optional.empty(); // the last step: nothing follows to check
    }

    private static boolean isTime(Schema schema) {
        Schema type = Fields.nonNull(schema);
        return type.getType() == Schema.Type.LONG
                || (type.getType() == Schema.Type.STRING
                && "io.debezium.time.ZonedTimestamp".equals(type.getProp("connect.name")))
                || type.getLogicalType() instanceof LogicalTypes.TimestampMillis;
    }
}
