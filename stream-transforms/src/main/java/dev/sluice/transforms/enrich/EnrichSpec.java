package dev.sluice.transforms.enrich;

import dev.sluice.transforms.pipeline.spec.StepBuild;
import dev.sluice.transforms.pipeline.spec.StepColumns;
import dev.sluice.transforms.pipeline.spec.StepSpec;
import dev.sluice.transforms.pipeline.spec.StepYaml;
import dev.sluice.transforms.pipeline.spec.YamlNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;

/**
 * {@code - enrich: {table: replica.public.customers, foreign-key: customer_id, columns: {name: customer_name}}}:
 * joins each row with a dimension row topic, see {@link EnrichStep}.
 */
public record EnrichSpec(String name, int line, Enrichment enrichment) implements StepSpec {

    public static EnrichSpec parse(StepYaml step) {
        step.only("table", "foreign-key", "dimension-key", "columns", "join", "history", "grace");
        String table = step.read().topicName(step.required("table", "name the dimension's row topic, e.g. "
                + "'table: replica.public.customers'"), step.at("table"));
        String foreignKey = step.read().text(step.required("foreign-key", "name the fact column holding the dimension"
                + " key, e.g. 'foreign-key: customer_id'"), step.at("foreign-key"));
        String dimensionKey = step.has("dimension-key")
                ? step.read().text(step.node("dimension-key"), step.at("dimension-key")) : "id";
        YamlNode.Mapping columns = step.read().mapping(step.required("columns", "map dimension columns to output names,"
                + " e.g. 'columns: {name: customer_name}'"), step.at("columns"));
        Map<String, String> added = new LinkedHashMap<>();
        columns.asMap().forEach((from, to) -> added.put(from, step.read().text(to.value(),
                step.at("columns") + "." + from)));
        Enrichment.Mode mode = step.has("join") ? mode(step) : Enrichment.Mode.FOREIGN_KEY;
        Duration history = step.has("history") ? temporalOnly(step, mode, "history", true) : null;
        Duration grace = step.has("grace") ? temporalOnly(step, mode, "grace", false) : null;
        return new EnrichSpec(step.name(), step.line(), new Enrichment(table, foreignKey, dimensionKey, added, mode,
                history, grace));
    }

    private static Enrichment.Mode mode(StepYaml step) {
        String value = step.read().text(step.node("join"), step.at("join"));
        return switch (value) {
            case "foreign-key" -> Enrichment.Mode.FOREIGN_KEY;
            case "global" -> Enrichment.Mode.GLOBAL;
            case "temporal" -> Enrichment.Mode.TEMPORAL;
            default -> throw step.error(step.node("join"), "join", "unknown join '" + value + "'",
                    "use foreign-key (re-emits on dimension change), global (small dimensions) or temporal "
                            + "(the dimension as it was at the fact's time)");
        };
    }

    private static Duration temporalOnly(StepYaml step, Enrichment.Mode mode, String key, boolean positive) {
        if (mode != Enrichment.Mode.TEMPORAL) {
            throw step.error(step.node(key), key, "'" + key + "' only applies to 'join: temporal'",
                    "remove it or set 'join: temporal'");
        }
        return positive ? step.read().positiveDuration(step.node(key), step.at(key))
                : step.read().duration(step.node(key), step.at(key));
    }

    @Override
    public String type() {
        return "enrich";
    }

    @Override
    public boolean regroups() {
        return true;
    }

    /** The lookup joins (global, temporal) quarantine a fact without its dimension row; the foreign-key join never does. */
    @Override
    public boolean quarantines() {
        return enrichment.mode() != Enrichment.Mode.FOREIGN_KEY;
    }

    @Override
    public List<String> joinedTopics() {
        return List.of(enrichment.dimensionTopic());
    }

    @Override
    public KStream<GenericRecord, GenericRecord> addTo(KStream<GenericRecord, GenericRecord> input, StepBuild build) {
        return EnrichStep.apply(build.builder(), input, name, enrichment, build.keySerde(), build.valueSerde(),
                build.metrics().quarantined(), build.pipeline().quarantineTopic());
    }

    @Override
    public Optional<StepColumns> columnsAfter(StepColumns before) {
        before.require(this, enrichment.foreignKey(), "foreign-key");
        Optional<Schema> dimension = before.valueSchema(enrichment.dimensionTopic());
        if (dimension.isEmpty()) {
            return Optional.empty(); // cannot know what it adds; later steps are not checked
        }
        Map<String, Schema> dimensionColumns = new LinkedHashMap<>();
        dimension.get().getFields().forEach(f -> dimensionColumns.put(f.name(), f.schema()));
        List<String> all = new ArrayList<>(dimensionColumns.keySet());
        if (!dimensionColumns.containsKey(enrichment.dimensionKey())) {
            throw before.problem(this, "dimension-key '" + enrichment.dimensionKey() + "' is not a column of "
                    + enrichment.dimensionTopic() + " (columns: " + String.join(", ", all) + ")", "name its key column");
        }
        Map<String, Schema> after = new LinkedHashMap<>(before.columns());
        enrichment.columns().forEach((from, to) -> {
            if (!dimensionColumns.containsKey(from)) {
                throw before.problem(this, "columns names '" + from + "', which is not a column of "
                        + enrichment.dimensionTopic() + " (columns: " + String.join(", ", all) + ")",
                        "fix the column name");
            }
            after.put(to, dimensionColumns.get(from));
        });
        return Optional.of(before.with(after));
    }
}
