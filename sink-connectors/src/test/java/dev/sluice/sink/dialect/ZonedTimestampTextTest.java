package dev.sluice.sink.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The fast reading of Debezium's UTC timestamptz text gives exactly what {@link OffsetDateTime#parse} gives. */
class ZonedTimestampTextTest {

    @Test
    void readsEveryFractionLengthAsTheParserDoes() {
        for (String text : List.of("2026-12-04T21:49:24Z", "2026-12-04T21:49:24.1Z", "2026-12-04T21:49:24.12Z",
                "2026-12-04T21:49:24.123456Z", "2026-12-04T21:49:24.123456789Z", "0001-01-01T00:00:00Z",
                "9999-12-31T23:59:59.999999999Z", "2024-02-29T12:00:00.000001Z")) {
            assertThat(ZonedTimestampText.parse(text)).as(text).isEqualTo(OffsetDateTime.parse(text));
        }
    }

    @Test
    void randomInstantsAsDebeziumWritesThemReadBackEqual() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 10_000; i++) {
            OffsetDateTime time = OffsetDateTime.of(random.nextInt(1, 10_000), random.nextInt(1, 13),
                    random.nextInt(1, 29), random.nextInt(24), random.nextInt(60), random.nextInt(60),
                    random.nextInt(1_000_000_000) / (int) Math.pow(10, random.nextInt(10)), ZoneOffset.UTC);
            String text = time.toString();
            assertThat(ZonedTimestampText.parse(text)).as(text).isEqualTo(time).isEqualTo(OffsetDateTime.parse(text));
        }
    }

    @Test
    void otherShapesGoToTheParser() {
        assertThat(ZonedTimestampText.parse("2026-12-04T21:49:24+01:00"))
                .isEqualTo(OffsetDateTime.of(2026, 12, 4, 21, 49, 24, 0, ZoneOffset.ofHours(1)));
        assertThat(ZonedTimestampText.parse("+10000-01-01T00:00:00Z").getYear()).isEqualTo(10_000);
        for (String text : List.of("2026-12-04T21:49Z", "2026-12-04T21:49:24.Z")) {
            assertThat(ZonedTimestampText.parse(text)).as(text).isEqualTo(OffsetDateTime.parse(text));
        }
    }

    @Test
    void badTextFailsWithTheParsersError() {
        for (String bad : List.of("2026-13-04T21:49:24Z", "2026-02-30T21:49:24Z",
                "2026-12-04 21:49:24Z", "2026-12-04T21:49:2xZ", "2026-12-04T21:49:24.1234567890Z", "")) {
            assertThatThrownBy(() -> ZonedTimestampText.parse(bad)).as(bad).isInstanceOf(DateTimeParseException.class);
        }
    }
}
