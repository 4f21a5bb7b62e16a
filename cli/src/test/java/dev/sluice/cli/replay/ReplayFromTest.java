package dev.sluice.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReplayFromTest {

    private static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void earliestInAnyCaseIsTheStartOfHistory() {
        assertThat(ReplayFrom.parse("earliest", CLOCK)).isEqualTo(ReplayFrom.EARLIEST);
        assertThat(ReplayFrom.parse(" EARLIEST ", CLOCK).timestamp()).isEmpty();
        assertThat(ReplayFrom.EARLIEST.describe()).isEqualTo("earliest");
    }

    @Test
    void isoTimesWithAZoneOrAnOffsetAreInstants() {
        assertThat(ReplayFrom.parse("2026-12-04T09:00:00Z", CLOCK).timestamp())
                .contains(Instant.parse("2026-12-04T09:00:00Z").toEpochMilli());
        assertThat(ReplayFrom.parse("2026-12-04T10:30:00+01:00", CLOCK).timestamp())
                .contains(Instant.parse("2026-12-04T09:30:00Z").toEpochMilli());
        assertThat(ReplayFrom.parse("2026-12-04T09:00:00Z", CLOCK).describe()).isEqualTo("2026-12-04T09:00:00Z");
    }

    @Test
    void aDurationIsThatLongBeforeNow() {
        assertThat(ReplayFrom.parse("2h", CLOCK).timestamp()).contains(NOW.minusSeconds(7200).toEpochMilli());
        assertThat(ReplayFrom.parse("30m", CLOCK).timestamp()).contains(NOW.minusSeconds(1800).toEpochMilli());
        assertThat(ReplayFrom.parse("1d", CLOCK).timestamp()).contains(NOW.minusSeconds(86_400).toEpochMilli());
        assertThat(ReplayFrom.parse("PT90M", CLOCK).timestamp()).isEqualTo(Optional.of(NOW.minusSeconds(5400).toEpochMilli()));
    }

    @Test
    void anythingElseIsOneSentenceSayingWhatIsAccepted() {
        assertThatThrownBy(() -> ReplayFrom.parse("yesterday", CLOCK)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--from 'yesterday' is neither earliest, an ISO-8601 time with its zone"
                        + " (2026-12-04T09:00:00Z) nor a duration ago (500ms, 30s, 10m, 1h or 1d).");
        assertThatThrownBy(() -> ReplayFrom.parse("2026-12-04T09:00:00", CLOCK))
                .hasMessageContaining("neither earliest, an ISO-8601 time with its zone");
        assertThatThrownBy(() -> ReplayFrom.parse("", CLOCK)).hasMessageStartingWith("--from is empty;");
        assertThatThrownBy(() -> ReplayFrom.parse("2027-01-01T00:00:00Z", CLOCK))
                .hasMessage("--from 2027-01-01T00:00:00Z is in the future or before 1970; pass a past time or earliest.");
    }
}
