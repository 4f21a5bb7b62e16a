package dev.sluice.sink.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdentifiersTest {
    @Test
    void reservedWordsAndSpacesAreQuoted() {
        assertThat(Identifiers.quote("select")).isEqualTo("\"select\"");
        assertThat(Identifiers.quote("Order Id")).isEqualTo("\"Order Id\"");
    }

    @Test
    void embeddedQuotesAreDoubled() {
        assertThat(Identifiers.quote("a\"b")).isEqualTo("\"a\"\"b\"");
    }
}
