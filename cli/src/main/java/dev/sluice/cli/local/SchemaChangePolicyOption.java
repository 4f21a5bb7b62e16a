package dev.sluice.cli.local;

import dev.sluice.sink.config.SchemaChangePolicy;
import picocli.CommandLine;

/** Reads {@code --schema-change-policy}: evolve, fail or ignore (any case), the sink's schema.change.policy. */
public final class SchemaChangePolicyOption implements CommandLine.ITypeConverter<String> {

    public static final String DESCRIPTION = "What the warehouse sink does when rows no longer fit their table (new, "
            + "renamed or widened column): evolve (change the table), fail (stop before writing, naming table, column and "
            + "change; nothing is lost) or ignore (keep the table, drop and count such fields). Default: evolve.";

    @Override
    public String convert(String value) {
        try {
            return SchemaChangePolicy.parse(value).configValue();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a schema change policy; use one of "
                    + SinkConnectorConfig.POLICIES + ".");
        }
    }
}
