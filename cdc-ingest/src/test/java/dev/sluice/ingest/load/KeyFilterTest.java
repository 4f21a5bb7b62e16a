package dev.sluice.ingest.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

class KeyFilterTest {
    private static final Schema ID = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
    private static final Schema COMPOSITE = SchemaBuilder.struct().field("Region \"x\"", Schema.STRING_SCHEMA)
            .field("n", Schema.INT32_SCHEMA).build();

    @Test
    void selectsTheKeysByTheirTextFormWithEveryLiteralQuoted() {
        assertThat(KeyFilter.of(List.of(new Struct(ID).put("id", 7L), new Struct(ID).put("id", 12L), new Struct(ID).put("id", 7L))))
                .contains("(\"id\")::text IN ('7', '12')");
        assertThat(KeyFilter.of(List.of(new Struct(COMPOSITE).put("Region \"x\"", "it's').. --").put("n", 1))))
                .contains("((\"Region \"\"x\"\"\")::text, (\"n\")::text) IN (('it''s'').. --', '1'))");
    }

    @Test
    void keyTypesWhoseValueIsNotThePostgresTextGiveNoFilter() {
        Schema dated = SchemaBuilder.struct().field("day", Date.SCHEMA).build();
        assertThat(KeyFilter.of(List.of(new Struct(dated).put("day", new java.util.Date(0))))).isEmpty();
        Schema bytes = SchemaBuilder.struct().field("b", Schema.BYTES_SCHEMA).build();
        assertThat(KeyFilter.of(List.of(new Struct(bytes).put("b", new byte[] {1})))).isEmpty();
    }

    @Test
    void manyKeysAreSplitIntoFiltersThatFitASignal() {
        List<Struct> keys = new ArrayList<>();
        for (long i = 1_000_000; i < 1_000_500; i++) {
            keys.add(new Struct(ID).put("id", i));
        }
        List<String> filters = Rereads.filters(keys);
        assertThat(filters).hasSizeGreaterThan(1).allSatisfy(f -> assertThat(f.length()).isLessThanOrEqualTo(Rereads.MAX_FILTER_CHARS));
        assertThat(String.join(" ", filters)).contains("'1000000'", "'1000499'");
        assertThat(filters.stream().mapToLong(f -> f.chars().filter(ch -> ch == ',').count() + 1).sum()).isEqualTo(500);
    }
}
