package dev.sluice.sink.config;

import java.util.Locale;

/**
 * What the sink does when a batch does not fit its target table's shape: a new column, a renamed column, or a column
 * whose type the stored column cannot hold. A dropped column and a new table are not such changes (the column stays
 * and gets NULL in new rows; a new table is created when {@code auto.create} is on).
 */
public enum SchemaChangePolicy {
    /** Change the table: add nullable columns (with the source's default for existing rows), rename, widen types. */
    EVOLVE,
    /** Stop the task before writing the batch, naming table, column and change; nothing is committed or lost. */
    FAIL,
    /** Keep the table as it is: leave out the fields it cannot take and count them (sluice.sink.fields.dropped). */
    IGNORE;

    public static SchemaChangePolicy parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
