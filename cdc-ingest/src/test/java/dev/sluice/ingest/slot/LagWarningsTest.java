package dev.sluice.ingest.slot;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.sluice.ingest.slot.LagWarnings.Line.NONE;
import static dev.sluice.ingest.slot.LagWarnings.Line.RECOVERED;
import static dev.sluice.ingest.slot.LagWarnings.Line.WARNING;
import static org.assertj.core.api.Assertions.assertThat;

class LagWarningsTest {

    private static final long SECOND = 1_000_000_000L;
    private final LagWarnings warnings = new LagWarnings(1_000, Duration.ofMinutes(1));

    @Test
    void warnsOnCrossingRepeatsOncePerIntervalAndSaysWhenItRecovered() {
        assertThat(warnings.reading(999, 0)).isEqualTo(NONE);
        assertThat(warnings.reading(1_000, SECOND)).as("at the threshold is fine").isEqualTo(NONE);
        assertThat(warnings.reading(1_001, 2 * SECOND)).isEqualTo(WARNING);
        assertThat(warnings.reading(5_000, 30 * SECOND)).as("not again within the minute").isEqualTo(NONE);
        assertThat(warnings.reading(5_000, 62 * SECOND)).isEqualTo(WARNING);
        assertThat(warnings.reading(10, 63 * SECOND)).isEqualTo(RECOVERED);
        assertThat(warnings.reading(10, 64 * SECOND)).isEqualTo(NONE);
        assertThat(warnings.reading(2_000, 65 * SECOND)).as("a new crossing warns at once").isEqualTo(WARNING);
    }
}
