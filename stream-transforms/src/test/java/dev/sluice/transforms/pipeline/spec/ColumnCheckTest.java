package dev.sluice.transforms.pipeline.spec;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.transforms.testkit.Envelopes;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Columns named by a spec are checked against the registered schemas before anything runs. */
class ColumnCheckTest {

    private static final Schema CUSTOMER = new Schema.Parser().parse("""
            {"type":"record","name":"Customer","namespace":"t","fields":[
              {"name":"id","type":"int"},{"name":"region","type":"string"},{"name":"__deleted","type":"boolean"}]}""");
    private static final Envelopes ORDERS = Envelopes.forTable("public", "orders");
    private static final Function<String, Optional<Schema>> REGISTERED = topic -> Optional.ofNullable(Map.of(
            "sluice.public.orders", ORDERS.envelopeSchema, "replica.public.customers", CUSTOMER).get(topic));

    private static final String SPEC = """
            pipeline: dash
            source: {topics: [sluice.public.orders]}
            steps:
              - unwrap: {}
              - filter: {field: note, not-in: [test]}
              - rename: {fields: {id: customer_id}}
              - enrich: {table: replica.public.customers, foreign-key: customer_id, columns: {region: region}}
              - aggregate:
                  window: 1m
                  time-field: created_at
                  group-by: [region]
                  measures: {orders: count, revenue: {sum: amount}}
            output: {topic: dash.revenue}
            """;

    @Test
    void aSpecWhoseColumnsExistPasses() {
        assertThatCode(() -> check(SPEC)).doesNotThrowAnyException();
        // nothing registered yet: nothing to check against
        assertThatCode(() -> ColumnCheck.check(PipelineSpecParser.parse(SPEC.replace("time-field: created_at",
                "time-field: nowhere"), "dash.yaml"), topic -> Optional.empty())).doesNotThrowAnyException();
    }

    @Test
    void anUnknownColumnIsNamedWithTheStepAndLine() {
        assertThatThrownBy(() -> check(SPEC.replace("field: note", "field: notes")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Pipeline dash, step 'filter' (line 5, reading sluice.public.orders): field names column"
                        + " 'notes', which the rows here do not have (columns: id, amount, note, created_at,"
                        + " __source_ts, __version, __deleted); fix the column name.");
        assertThatThrownBy(() -> check(SPEC.replace("foreign-key: customer_id", "foreign-key: id")))
                .hasMessageContaining("step 'enrich' (line 7, reading sluice.public.orders): foreign-key names column"
                        + " 'id', which the rows here do not have");
        assertThatThrownBy(() -> check(SPEC.replace("columns: {region: region}", "columns: {zone: region}")))
                .hasMessageContaining("columns names 'zone', which is not a column of replica.public.customers");
        assertThatThrownBy(() -> check(SPEC.replace("group-by: [region]", "group-by: [country]")))
                .hasMessageContaining("group-by names column 'country'");
    }

    @Test
    void aWindowWithoutATimeFieldFailsAtLoad() {
        assertThatThrownBy(() -> check(SPEC.replace("time-field: created_at", "time-field: created")))
                .hasMessageContaining("step 'aggregate' (line 8, reading sluice.public.orders): the window has no time"
                        + " field: 'created' is not a column of the rows here")
                .hasMessageEndingWith("set time-field to one of their timestamp columns.");
        assertThatThrownBy(() -> check(SPEC.replace("time-field: created_at", "time-field: note")))
                .hasMessageContaining("time-field 'note' holds string values, not times");
    }

    private static void check(String yaml) {
        ColumnCheck.check(PipelineSpecParser.parse(yaml, "dash.yaml"), REGISTERED);
    }
}
