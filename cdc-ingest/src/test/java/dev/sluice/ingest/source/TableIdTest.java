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
}
