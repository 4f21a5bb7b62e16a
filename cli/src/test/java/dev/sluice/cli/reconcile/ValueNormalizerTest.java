package dev.sluice.cli.reconcile;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static org.assertj.core.api.Assertions.assertThat;

class ValueNormalizerTest {

    @Test
    void moneyAsPostgreSqlPrintsItEqualsTheWarehousesDecimal() {
        assertThat(ValueNormalizer.money("$1,234.50")).isEqualTo(ValueNormalizer.money("1234.50"))
                .isEqualTo(new BigDecimal("1234.5"));
        assertThat(ValueNormalizer.money("-$999,999,999,999.99")).isEqualTo(new BigDecimal("-999999999999.99"));
        assertThat(ValueNormalizer.money("($0.01)")).isEqualTo(new BigDecimal("-0.01"));
        assertThat(ValueNormalizer.money("-0.01")).isEqualTo(new BigDecimal("-0.01"));
    }
}
