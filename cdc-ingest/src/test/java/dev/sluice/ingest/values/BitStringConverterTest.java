package dev.sluice.ingest.values;

import org.junit.jupiter.api.Test;
import org.postgresql.util.PGobject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BitStringConverterTest {

    @Test
    void keepsLengthAndLeadingZeros() throws Exception {
        assertThat(BitStringConverter.text("0001011")).isEqualTo("0001011");
        assertThat(BitStringConverter.text("")).isEmpty();
        PGobject read = new PGobject(); // how the driver returns a varbit read by the initial load
        read.setType("varbit");
        read.setValue("00");
        assertThat(BitStringConverter.text(read)).isEqualTo("00");
        assertThat(BitStringConverter.text(Boolean.TRUE)).isEqualTo("1");
        assertThat(BitStringConverter.text(Boolean.FALSE)).isEqualTo("0");
    }

    @Test
    void takesOnlyBitTypes() {
        assertThat(BitStringConverter.isBitString("bit")).isTrue();
        assertThat(BitStringConverter.isBitString("VARBIT")).isTrue();
        assertThat(BitStringConverter.isBitString("bit varying")).isTrue();
        assertThat(BitStringConverter.isBitString("bytea")).isFalse();
        assertThat(BitStringConverter.isBitString(null)).isFalse();
    }

    @Test
    void refusesWhatIsNoBitString() {
        assertThatThrownBy(() -> BitStringConverter.text("\\x01")).hasMessageContaining("not a bit string");
    }
}
