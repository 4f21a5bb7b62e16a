package dev.sluice.sink.config;

import org.apache.kafka.common.config.ConfigException;

/**
 * Turns a topic name into a target table name. {@code ${topic}} is the whole topic, {@code ${table}}
 * its last dot-separated part and {@code ${schema}} the part before that (empty when there is none),
 * so the row topic {@code replica.public.orders} gives {@code orders} with the default {@code ${table}}.
 * The result is one identifier (quoted as a whole), never split on dots.
 */
public final class TableNameFormat {
    /** The sink's default {@code table.name.format}. */
    public static final String DEFAULT = "${table}";

    private final String format;

    public TableNameFormat(String format) {
        if (format == null || format.isBlank()) {
            throw new ConfigException(WarehouseSinkConfig.TABLE_NAME_FORMAT, format,
                    "must not be empty; use ${table}, ${schema} or ${topic}");
        }
        this.format = format;
    }

    public String tableFor(String topic) {
        String[] parts = topic.split("\\.");
        String table = parts[parts.length - 1];
        String schema = parts.length >= 2 ? parts[parts.length - 2] : "";
        String name = format.replace("${topic}", topic).replace("${schema}", schema).replace("${table}", table);
        if (name.isBlank()) {
            throw new IllegalArgumentException("table.name.format '" + format + "' gives an empty table name for topic '"
                    + topic + "'; include ${table} or ${topic}");
        }
        return name;
    }

    @Override
    public String toString() {
        return format;
    }
}
