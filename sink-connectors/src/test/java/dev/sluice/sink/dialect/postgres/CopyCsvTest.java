package dev.sluice.sink.dialect.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

class CopyCsvTest {
    private static String row(Object... values) {
        StringBuilder out = new StringBuilder();
        CopyCsv.appendRow(out, values);
        return out.toString();
    }

    @Test
    void nullIsAnEmptyFieldAndEmptyTextIsQuoted() {
        assertThat(row(null, "", "x")).isEqualTo(",\"\",\"x\"\n");
    }

    @Test
    void quotesAreDoubledAndNewlinesStayInsideTheField() {
        assertThat(row("say \"hi\"\nbye")).isEqualTo("\"say \"\"hi\"\"\nbye\"\n");
    }

    @Test
    void typedValuesUseTheFormPostgresParses() {
        assertThat(row(new byte[] {1, (byte) 0xff}, new BigDecimal("1E+3"), true, LocalDateTime.of(2024, 1, 2, 3, 4, 5)))
                .isEqualTo("\"\\x01ff\",\"1000\",\"t\",\"2024-01-02T03:04:05\"\n");
    }

    @Test
    void plainNumbersNeedNoQuotes() {
        assertThat(row(1, 2L, (short) 3, 1.5d, Double.NaN)).isEqualTo("1,2,3,1.5,NaN\n");
    }

    @Test
    void arraysBecomeArrayLiteralsWithEveryItemQuoted() {
        assertThat(row(java.util.Arrays.asList("a", null, "q\"d", "NULL", "b\\s"), java.util.List.of(1, -3)))
                .isEqualTo("\"{\"\"a\"\",NULL,\"\"q\\\"\"d\"\",\"\"NULL\"\",\"\"b\\\\s\"\"}\",\"{\"\"1\"\",\"\"-3\"\"}\"\n");
    }
}
