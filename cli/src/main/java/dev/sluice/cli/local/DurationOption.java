package dev.sluice.cli.local;

import dev.sluice.transforms.time.DurationText;
import java.time.Duration;
import picocli.CommandLine;

/** Reads durations on the command line the way specs do ({@link DurationText}): 90s, 5m, 1h, 500ms, PT90S. */
public final class DurationOption implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        return DurationText.parse(value).orElseThrow(() -> new CommandLine.TypeConversionException("'" + value
                + "' is not a duration; write it like " + DurationText.EXAMPLES + "."));
    }
}
