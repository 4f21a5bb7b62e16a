package dev.sluice.transforms.pipeline.spec;

import dev.sluice.transforms.aggregate.AggregateSpec;
import dev.sluice.transforms.dedupe.DedupeSpec;
import dev.sluice.transforms.enrich.EnrichSpec;
import dev.sluice.transforms.expect.ExpectSpec;
import dev.sluice.transforms.filter.FilterSpec;
import dev.sluice.transforms.mask.MaskSpec;
import dev.sluice.transforms.project.RenameSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.transforms.dedupe.DedupeWindow;
import dev.sluice.transforms.expect.Rule;
import dev.sluice.transforms.filter.Condition;
import dev.sluice.transforms.mask.MaskRule;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class PipelineSpecParserTest {

    static final String ORDERS = """
            pipeline: orders-clean
            source:
              topics: [sluice.public.orders]
            steps:
              - dedupe: {window: 1h, allowed-lateness: 10m}
              - unwrap: {}
              - expect:
                  rules:
                    - {field: amount, min: 0, max: 10000}
                    - {field: note, accepted-values: [ok, fine]}
                    - {field: note, regex: '[a-z]+'}
                    - {field: id, not-null: true}
              - filter: {field: id, not-in: [13]}
              - project: {fields: [id, amount, note, __version]}
              - rename: {fields: {amount: total}}
              - mask: {fields: {note: {keep-last: 2}}}
            output:
              topic: 'clean.${schema}.${table}'
            """;

    @Test
    void fullSpecIsReadIntoTypedSteps() {
        PipelineSpec spec = PipelineSpecParser.parse(ORDERS, "orders.yaml");

        assertThat(spec.pipeline()).isEqualTo("orders-clean");
        assertThat(spec.source().topics()).containsExactly("sluice.public.orders");
        assertThat(spec.source().format()).isEqualTo(PipelineSpec.Format.CHANGE);
        assertThat(spec.steps()).extracting(StepSpec::name)
                .containsExactly("dedupe", "unwrap", "expect", "filter", "project", "rename", "mask");
        assertThat(spec.steps().get(0)).isEqualTo(new DedupeSpec("dedupe", 5, List.of(),
                new DedupeWindow(Duration.ofHours(1), Duration.ofMinutes(10)), null));
        assertThat(((ExpectSpec) spec.steps().get(2)).rules()).hasSize(4).first()
                .isEqualTo(new Rule.Range("amount", BigDecimal.ZERO, new BigDecimal("10000")));
        assertThat(((FilterSpec) spec.steps().get(3)).conditions())
                .containsExactly(new Condition("id", Condition.Op.NOT_IN, List.of("13")));
        assertThat(((RenameSpec) spec.steps().get(5)).fields()).isEqualTo(Map.of("amount", "total"));
        assertThat(((MaskSpec) spec.steps().get(6)).fields()).isEqualTo(Map.of("note", new MaskRule.KeepLast(2)));
        assertThat(((MaskSpec) spec.steps().get(6)).saltEnv()).isEqualTo("SLUICE_MASK_SALT");
        assertThat(spec.output().topicFor("sluice.public.orders")).isEqualTo("clean.public.orders");
        assertThat(spec.lateTopic()).isEqualTo("orders-clean.late");
        assertThat(spec.quarantineTopic()).isEqualTo("orders-clean.quarantine");
    }

    @Test
    void unknownStepNamesItsLineAndTheKnownSteps() {
        assertError(ORDERS.replace("- unwrap: {}", "- unwarp: {}"))
                .hasMessageStartingWith("orders.yaml line 6, column 5, steps[1]: unknown step 'unwarp'"
                        + " (did you mean 'unwrap'?); use one of dedupe, unwrap, filter, project, rename, mask, expect, enrich, aggregate, custom.");
    }

    @Test
    void unknownFieldNamesItsLinePathAndTheAllowedFields() {
        assertError(ORDERS.replace("window: 1h", "windw: 1h"))
                .hasMessage("orders.yaml line 5, column 14, steps[0].dedupe.windw: unknown field 'windw' (did you mean"
                        + " 'window'?); use one of allowed-lateness, id, name, retention, window.");
        assertError(ORDERS.replace("pipeline: orders-clean", "pipeline: orders-clean\nsink: x"))
                .hasMessageContaining("line 2, column 1, sink: unknown field 'sink'");
        assertError(ORDERS.replace("{field: id, not-null: true}", "{field: id, notnull: true}"))
                .hasMessageContaining("line 12, column 23, steps[2].expect.rules[3].notnull: unknown field 'notnull'");
    }

    @Test
    void badValuesNameTheirPlaceAndTheFix() {
        assertError(ORDERS.replace("window: 1h", "window: an hour"))
                .hasMessage("orders.yaml line 5, column 22, steps[0].dedupe.window: 'an hour' is not a duration;"
                        + " write e.g. 500ms, 30s, 10m, 1h or 1d.");
        assertError(ORDERS.replace("regex: '[a-z]+'", "regex: '[a-z'"))
                .hasMessageContaining("line 11, column").hasMessageContaining("steps[2].expect.rules[2].regex: '[a-z'"
                        + " is not a valid regular expression");
        assertError(ORDERS.replace("min: 0, max: 10000", "min: zero"))
                .hasMessageContaining("steps[2].expect.rules[0].min: 'zero' is not a number");
        assertError(ORDERS.replace("{keep-last: 2}", "scramble"))
                .hasMessageContaining("line 16").hasMessageContaining("unknown mask 'scramble'; use hash, redact");
        assertError(ORDERS.replace("clean.${schema}.${table}", "clean.${db}.${table}"))
                .hasMessageContaining("output.topic: unknown placeholder '${db}'");
    }

    @Test
    void structuralMistakesAreCaughtAtLoad() {
        assertError(ORDERS.replace("output:\n  topic: 'clean.${schema}.${table}'\n", ""))
                .hasMessageContaining("output: 'output' is missing; add 'output:'");
        assertError(ORDERS.replace("topics: [sluice.public.orders]", "topics: [a]\n  pattern: 'b'"))
                .hasMessageContaining("source: both 'topics' and 'pattern' are set; set exactly one of them.");
        assertError(ORDERS.replace("  - unwrap: {}\n", ""))
                .hasMessageContaining("steps[1].expect: 'expect' works on rows, but the records are still change"
                        + " envelopes here; add '- unwrap: {}' before it.");
        assertError(ORDERS.replace("  - rename:", "  - filter: {field: id, equals: 1}\n  - rename:"))
                .hasMessageContaining("a second step is named 'filter'").hasMessageContaining("'name: ...'");
        assertError(ORDERS.replace("{field: id, not-in: [13]}", "{field: id, in: [1], equals: 2}"))
                .hasMessageContaining("several tests are given");
        assertError(ORDERS + "  extra: [\n")
                .hasMessageContaining("orders.yaml line").hasMessageContaining("not valid YAML");
        assertError("pipeline: x\npipeline: y\n").hasMessageContaining("line 2, column 1, pipeline: the key 'pipeline'"
                + " appears twice");
        assertError("").hasMessageContaining("the spec is empty");
    }

    @Test
    void rowSourceNeedsNoUnwrapAndItsDedupeNeedsIdFields() {
        String rows = """
                pipeline: p
                source: {topics: [replica.public.orders], format: row}
                steps:
                  - dedupe: {window: 10m, allowed-lateness: 1m}
                output: {topic: out}
                """;
        assertError(rows).hasMessageContaining("steps[0].dedupe: the default event id")
                .hasMessageContaining("give it 'id: [fields...]'");
        PipelineSpec spec = PipelineSpecParser.parse(rows.replace("window: 10m", "id: [id, __version], window: 10m"),
                "rows.yaml");
        assertThat(((DedupeSpec) spec.steps().get(0)).idFields()).containsExactly("id", "__version");
    }

    @Test
    void patternMatchingThePipelinesOwnSideTopicsIsRejected() {
        assertError("pipeline: sluice.x\nsource: {pattern: 'sluice\\..*'}\noutput: {topic: out}\n")
                .hasMessageContaining("the pattern matches the pipeline's own topic sluice.x.late");
    }

    @Test
    void enrichAndAggregateAreReadAndTheirMistakesCaught() {
        String yaml = """
                pipeline: dash
                source: {topics: [replica.public.orders], format: row}
                steps:
                  - enrich: {table: replica.public.customers, foreign-key: customer_id, columns: {region: region2}}
                  - aggregate:
                      window: 1m
                      group-by: [region2]
                      measures: {orders: count, revenue: {sum: amount}}
                output: {topic: dash.revenue}
                """;
        PipelineSpec spec = PipelineSpecParser.parse(yaml, "dash.yaml");
        assertThat(spec.steps()).extracting(StepSpec::type).containsExactly("enrich", "aggregate");
        assertThat(((EnrichSpec) spec.steps().get(0)).enrichment().dimensionKey()).isEqualTo("id");
        assertThat(((AggregateSpec) spec.steps().get(1)).aggregation().timeField()).isEqualTo("__source_ts");

        assertError(yaml.replace("revenue: {sum: amount}", "top: {median: amount}"))
                .hasMessageContaining("steps[1].aggregate.measures.top.median: unknown field 'median'");
        assertError(yaml.replace("window: 1m", "window: 1m\n      advance: 2m"))
                .hasMessageContaining("steps[1].aggregate.advance: a hopping window must advance by more than 0");
        assertError(yaml.replace("window: 1m", "window: 1m\n      emit: final\n      rate-limit: 1s"))
                .hasMessageContaining("steps[1].aggregate.rate-limit: 'emit: final' sends one row per window");
        assertError(yaml.replace("window: 1m", "window: 1m\n      emit: soon"))
                .hasMessageContaining("steps[1].aggregate.emit: unknown emit mode 'soon'");
        assertError(yaml.replace("dash.revenue", "'dash.${table}'"))
                .hasMessageContaining("output.topic: placeholders cannot be filled after 'enrich'");
        assertError(yaml.replace("output:", "  - filter: {field: orders, equals: 1}\noutput:"))
                .hasMessageContaining("steps[2].filter: no step can follow 'aggregate'");
        assertError(yaml.replace("      window: 1m\n", ""))
                .hasMessageContaining("steps[1].aggregate.window: 'window' is missing; set the window size");
        assertError(yaml.replace("foreign-key: customer_id,", "foreign-key: customer_id, join: nearest,"))
                .hasMessageContaining("steps[0].enrich.join: unknown join 'nearest'; use foreign-key");
        assertError(yaml.replace("foreign-key: customer_id,", "foreign-key: customer_id, history: 7d,"))
                .hasMessageContaining("steps[0].enrich.history: 'history' only applies to 'join: temporal'");
        assertThat(((EnrichSpec) PipelineSpecParser.parse(yaml.replace("foreign-key: customer_id,",
                "foreign-key: customer_id, join: temporal, history: 7d,"), "dash.yaml").steps().get(0)).enrichment())
                .extracting(e -> e.mode(), e -> e.history())
                .containsExactly(dev.sluice.transforms.enrich.Enrichment.Mode.TEMPORAL, java.time.Duration.ofDays(7));
        assertError(yaml.replace("foreign-key: customer_id, ", ""))
                .hasMessageContaining("steps[0].enrich.foreign-key: 'foreign-key' is missing");
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertError(String yaml) {
        return assertThatThrownBy(() -> PipelineSpecParser.parse(yaml, "orders.yaml"))
                .isInstanceOf(PipelineSpecException.class);
    }
}
