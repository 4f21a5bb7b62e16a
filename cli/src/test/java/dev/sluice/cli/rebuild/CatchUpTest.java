package dev.sluice.cli.rebuild;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CatchUpTest {
    private static final long T = 1_700_000_000_000L;

    private static TableStatus status(long shadowRows, Long shadowTs, long liveTs) {
        TableStatus.Progress shadow = shadowTs == null ? new TableStatus.Progress(null, null, 5L, T)
                : new TableStatus.Progress(shadowTs, shadowTs, shadowTs, shadowTs);
        return new TableStatus("orders", "orders__v2", shadowRows, 10_000L, shadow,
                new TableStatus.Progress(liveTs, liveTs, liveTs, liveTs));
    }

    @Test
    void aShadowWhoseFrontierMovesFasterThanRealTimeCatchesUpInLagOverSpeedMinusOne() {
        // in 2 s the shadow passed 22 s of source time (11x) and 4,000 rows; it is 100 s behind the live frontier
        CatchUp rate = CatchUp.between(status(1_000, T, T + 100_000), status(5_000, T + 22_000, T + 122_000),
                Duration.ofSeconds(2));
        assertThat(rate.rowsPerSecond()).isEqualTo(2_000.0);
        assertThat(rate.speed()).isEqualTo(11.0);
        assertThat(rate.eta()).isEqualTo(Duration.ofSeconds(10)); // 100 s / (11 - 1)
        assertThat(rate.describe(false)).isEqualTo("2,000 rows/s, frontier at 11.0x real time, about 10 s to catch up");
    }

    @Test
    void caughtUpNotClosingInAndNoFrontierAreSaidSo() {
        TableStatus caughtUp = status(9_000, T + 200_000, T + 200_000);
        assertThat(CatchUp.between(status(9_000, T + 198_000, T + 198_000), caughtUp, Duration.ofSeconds(2))
                .describe(caughtUp.caughtUp())).isEqualTo("0 rows/s, frontier at 1.0x real time");
        TableStatus slow = status(1_000, T + 1_000, T + 100_000);
        assertThat(CatchUp.between(status(1_000, T, T + 99_000), slow, Duration.ofSeconds(2)).describe(slow.caughtUp()))
                .isEqualTo("0 rows/s, frontier at 0.5x real time, not closing in yet");
        TableStatus noFrontier = status(300, null, T);
        assertThat(CatchUp.between(status(100, null, T), noFrontier, Duration.ofSeconds(1)).describe(false))
                .isEqualTo("200 rows/s, no frontier yet");
    }
}
