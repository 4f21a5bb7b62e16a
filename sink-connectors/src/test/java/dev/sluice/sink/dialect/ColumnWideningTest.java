package dev.sluice.sink.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sink.dialect.ColumnType.Kind;
import org.junit.jupiter.api.Test;

class ColumnWideningTest {
    private static final ColumnType SMALLINT = ColumnType.of(Kind.SMALLINT);
    private static final ColumnType INTEGER = ColumnType.of(Kind.INTEGER);
    private static final ColumnType BIGINT = ColumnType.of(Kind.BIGINT);
    private static final ColumnType TEXT = ColumnType.of(Kind.TEXT);

    @Test
    void storedTypesAreReadInBothSpellings() {
        assertThat(ColumnTypes.stored("integer", 32, 0)).isEqualTo(INTEGER);
        assertThat(ColumnTypes.stored("INTEGER", 32, 0)).isEqualTo(INTEGER);
        assertThat(ColumnTypes.stored("numeric", 6, 2)).isEqualTo(ColumnType.decimal(6, 2));
        assertThat(ColumnTypes.stored("DECIMAL(6,2)", 6, 2)).isEqualTo(ColumnType.decimal(6, 2));
        assertThat(ColumnTypes.stored("numeric", null, null)).isEqualTo(ColumnType.decimal(0, 0));
        assertThat(ColumnTypes.stored("character varying", null, null)).isEqualTo(TEXT);
        assertThat(ColumnTypes.stored("VARCHAR", null, null)).isEqualTo(TEXT);
        assertThat(ColumnTypes.stored("timestamp with time zone", null, null)).isEqualTo(ColumnType.of(Kind.TIMESTAMPTZ));
        assertThat(ColumnTypes.stored("ARRAY", null, null)).isNull();
        assertThat(ColumnTypes.stored("INTEGER[]", null, null)).isNull();
    }

    @Test
    void widerIntegersWidenAndNarrowerOnesFitAlready() {
        assertThat(ColumnTypes.widened(INTEGER, BIGINT)).isEqualTo(BIGINT);
        assertThat(ColumnTypes.widened(SMALLINT, INTEGER)).isEqualTo(INTEGER);
        assertThat(ColumnTypes.widened(BIGINT, INTEGER)).isNull();
        assertThat(ColumnTypes.widened(INTEGER, INTEGER)).isNull();
    }

    @Test
    void decimalsWidenToTheSmallestDecimalHoldingBoth() {
        assertThat(ColumnTypes.widened(ColumnType.decimal(6, 2), ColumnType.decimal(12, 4))).isEqualTo(ColumnType.decimal(12, 4));
        assertThat(ColumnTypes.widened(ColumnType.decimal(6, 2), ColumnType.decimal(6, 3))).isEqualTo(ColumnType.decimal(7, 3));
        assertThat(ColumnTypes.widened(ColumnType.decimal(12, 4), ColumnType.decimal(6, 2))).isNull();
        assertThat(ColumnTypes.widened(ColumnType.decimal(0, 0), ColumnType.decimal(40, 2))).isNull();
        assertThat(ColumnTypes.widened(ColumnType.decimal(6, 2), ColumnType.of(Kind.VARIABLE_DECIMAL)))
                .isEqualTo(ColumnType.of(Kind.VARIABLE_DECIMAL));
        assertThat(ColumnTypes.widened(INTEGER, ColumnType.decimal(8, 2))).isEqualTo(ColumnType.decimal(12, 2));
        assertThat(ColumnTypes.widened(ColumnType.decimal(12, 2), INTEGER)).isNull();
    }

    @Test
    void textHoldsEverythingAndEverythingBecomesText() {
        assertThat(ColumnTypes.widened(TEXT, BIGINT)).isNull();
        assertThat(ColumnTypes.widened(INTEGER, TEXT)).isEqualTo(TEXT);
        assertThat(ColumnTypes.widened(ColumnType.of(Kind.REAL), ColumnType.of(Kind.DOUBLE))).isEqualTo(ColumnType.of(Kind.DOUBLE));
        assertThat(ColumnTypes.widened(null, BIGINT)).isNull();
    }

    @Test
    void otherChangesConvertToTheIncomingType() {
        assertThat(ColumnTypes.widened(ColumnType.of(Kind.DATE), ColumnType.of(Kind.TIMESTAMP)))
                .isEqualTo(ColumnType.of(Kind.TIMESTAMP));
    }
}
