package dev.sluice.cli.lineage;

import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Column lineage of a spec follows its steps and marks masked columns. */
class ColumnLineageTest {

    private static final Schema CUSTOMERS = SchemaBuilder.record("Value").fields()
            .requiredInt("id").optionalString("name").optionalString("email").optionalString("phone")
            .optionalString("notes").endRecord();
    private static final Schema REGIONS = SchemaBuilder.record("Region").fields()
            .requiredInt("id").optionalString("label").endRecord();
    private static final Dataset SOURCE = DatasetNames.topic("k:9092", "sluice.public.customers");

    @Test
    void maskedColumnsAreMarkedAndOthersStayIdentity() {
        PipelineSpec spec = PipelineSpecParser.parse("""
                pipeline: customers-masked
                source:
                  topics: [sluice.public.customers]
                steps:
                  - unwrap: {}
                  - rename: {fields: {name: full_name}}
                  - mask:
                      fields: {email: redact, phone: {keep-last: 4}}
                  - project: {fields: [id, full_name, email, phone]}
                output:
                  topic: masked.public.customers_masked
                """, "customers.yaml");

        Map<String, List<ColumnLineage.InputField>> columns = ColumnLineage.of(spec, SOURCE, CUSTOMERS,
                t -> DatasetNames.topic("k:9092", t), t -> Optional.empty()).orElseThrow();

        assertThat(columns).containsOnlyKeys("id", "full_name", "email", "phone");
        ColumnLineage.InputField email = columns.get("email").get(0);
        assertThat(email.masking()).isTrue();
        assertThat(email.subtype()).isEqualTo("TRANSFORMATION");
        assertThat(email.description()).isEqualTo("mask redact");
        assertThat(columns.get("phone").get(0).description()).isEqualTo("mask keep-last");
        ColumnLineage.InputField fullName = columns.get("full_name").get(0);
        assertThat(fullName.field()).isEqualTo("name");
        assertThat(fullName.masking()).isFalse();
        assertThat(fullName.subtype()).isEqualTo("IDENTITY");
        assertThat(fullName.namespace()).isEqualTo("kafka://k:9092");
        assertThat(fullName.name()).isEqualTo("sluice.public.customers");
    }

    @Test
    void enrichedColumnsComeFromTheDimensionTopic() {
        PipelineSpec spec = PipelineSpecParser.parse("""
                pipeline: customers-regions
                source:
                  topics: [replica.public.customers]
                  format: row
                steps:
                  - enrich:
                      table: replica.public.regions
                      foreign-key: id
                      dimension-key: id
                      columns: {label: region}
                output:
                  topic: enriched.public.customers
                """, "enrich.yaml");

        Map<String, List<ColumnLineage.InputField>> columns = ColumnLineage.of(spec,
                DatasetNames.topic("k:9092", "replica.public.customers"), CUSTOMERS,
                t -> DatasetNames.topic("k:9092", t), t -> Optional.of(REGIONS)).orElseThrow();

        assertThat(columns.get("region")).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("replica.public.regions");
            assertThat(f.field()).isEqualTo("label");
        });
        assertThat(columns.get("email").get(0).name()).isEqualTo("replica.public.customers");
    }

    @Test
    void theColumnLineageFacetCarriesMaskingPerSpec() {
        ColumnLineage.InputField masked = new ColumnLineage.InputField("kafka://k:9092", "t", "email", "DIRECT",
                "IDENTITY", null, false).masked("mask hash");
        var facet = Facets.columnLineage(Map.of("email", List.of(masked)));
        var transformation = facet.path("fields").path("email").path("inputFields").get(0).path("transformations").get(0);
        assertThat(facet.path("_schemaURL").asText()).contains("ColumnLineageDatasetFacet");
        assertThat(transformation.path("type").asText()).isEqualTo("DIRECT");
        assertThat(transformation.path("subtype").asText()).isEqualTo("TRANSFORMATION");
        assertThat(transformation.path("masking").asBoolean()).isTrue();
    }
}
