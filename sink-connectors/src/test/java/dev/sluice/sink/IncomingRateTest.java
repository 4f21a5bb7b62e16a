package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IncomingRateTest {

    private static final long MS = 1_000_000L;

    @Test
    void theRateIsZeroUntilTheFirstSecondCloses() {
        IncomingRate rate = new IncomingRate(0);
        rate.arrived(5_000, 999 * MS);
        assertThat(rate.perSecond()).isZero();
    }

    @Test
    void aClosedWindowGivesRecordsPerSecondOverItsLength() {
        IncomingRate rate = new IncomingRate(0);
        rate.arrived(1_000, 500 * MS);
        rate.arrived(1_500, 1_250 * MS); // 2,500 records in 1.25 s
        assertThat(rate.perSecond()).isEqualTo(2_000.0);
    }

    @Test
    void eachWindowStandsAlone() {
        IncomingRate rate = new IncomingRate(0);
        rate.arrived(6_000, 1_000 * MS);
        assertThat(rate.perSecond()).isEqualTo(6_000.0);
        rate.arrived(300, 1_500 * MS);
        assertThat(rate.perSecond()).as("until the next window closes").isEqualTo(6_000.0);
        rate.arrived(200, 2_000 * MS);
        assertThat(rate.perSecond()).isEqualTo(500.0);
    }
}
