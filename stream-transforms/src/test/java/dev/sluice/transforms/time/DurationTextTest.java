package dev.sluice.transforms.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

    @Test
    void readsTheShortFormsAndIso8601() {
        assertThat(DurationText.parse("500ms")).contains(Duration.ofMillis(500));
        assertThat(DurationText.parse(" 30s ")).contains(Duration.ofSeconds(30));
        assertThat(DurationText.parse("10 m")).contains(Duration.ofMinutes(10));
        assertThat(DurationText.parse("1H")).contains(Duration.ofHours(1));
        assertThat(DurationText.parse("2d")).contains(Duration.ofDays(2));
        assertThat(DurationText.parse("PT90S")).contains(Duration.ofSeconds(90));
    }

    @Test
    void refusesWhatIsNoDurationInsteadOfThrowing() {
        assertThat(DurationText.parse("soon")).isEmpty();
        assertThat(DurationText.parse("5")).isEmpty();
        assertThat(DurationText.parse("-5s")).isEmpty();
        assertThat(DurationText.parse("PT-5S")).isEmpty();
        assertThat(DurationText.parse("99999999999999999999s")).isEmpty();
        assertThat(DurationText.parse("9999999999999999d")).isEmpty();
    }
}
