package dev.sluice.ingest.source;

import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TableIdTest {

    @Test
    void parsesSchemaAndTableAtTheFirstDot() {
        assertThat(TableId.parse("inventory.orders")).isEqualTo(new TableId("inventory", "orders"));
        assertThat(TableId.parse("s.t.x")).isEqualTo(new TableId("s", "t.x"));
    }

    @Test
    void bareNameMeansSchemaPublic() {
        assertThat(TableId.parse("orders")).isEqualTo(new TableId("public", "orders"));
    }

    @Test
    void rejectsADanglingDotWithTheExpectedForm() {
        assertThatThrownBy(() -> TableId.parse("public."))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema.table");
    }

    @Test
    void includeListPatternMatchesOnlyThatTable() {
        Pattern pattern = Pattern.compile(new TableId("public", "order$items").includeListPattern());
        assertThat(pattern.matcher("public.order$items").matches()).isTrue();
        assertThat(pattern.matcher("publicXorder$items").matches()).isFalse();
    }

    @Test
    void includeListPatternsOfAwkwardNamesMatchOnlyTheirTableAndSurviveTheListSplit() {
        java.util.List<TableId> tables = java.util.List.of(new TableId("public", "my.table"), new TableId("a b", "c,d "),
                new TableId("public", "say \"hi\""), new TableId("public", "Zählung+1"), new TableId("public", "x\\E(y)"));
        String list = String.join(",", tables.stream().map(TableId::includeListPattern).toList());
        java.util.List<String> entries = java.util.Arrays.stream(list.split(",")).map(String::trim).toList();
        assertThat(entries).hasSize(tables.size());
        for (int i = 0; i < tables.size(); i++) {
            Pattern pattern = Pattern.compile(entries.get(i));
            for (TableId other : tables) {
                assertThat(pattern.matcher(other.toString()).matches()).as("%s ~ %s", entries.get(i), other)
                        .isEqualTo(other.equals(tables.get(i)));
            }
        }
        assertThat(Pattern.compile(new TableId("public", "my.table").includeListPattern()).matcher("public.myXtable").matches())
                .isFalse();
    }
}
