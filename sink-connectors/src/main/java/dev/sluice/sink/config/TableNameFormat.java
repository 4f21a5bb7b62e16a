package dev.sluice.sink.config;

import dev.sluice.schemas.naming.TopicNamePart;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;

/**
 * Turns a topic name into a target table name. {@code ${topic}} is the whole topic, {@code ${table}}
 * its last dot-separated part and {@code ${schema}} the part before that (empty when there is none),
 * so the row topic {@code replica.public.orders} gives {@code orders} with the default {@code ${table}}.
 * Both parts are decoded ({@link TopicNamePart}): {@code replica.public.-order-20items} gives {@code order items},
 * the source table's own name. The result is one identifier (quoted as a whole), never split on dots.
 */
public final class TableNameFormat {
    /** The sink's default {@code table.name.format}. */
    public static final String DEFAULT = "${table}";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(topic|schema|table)}");

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
        String table = TopicNamePart.decode(parts[parts.length - 1]);
        String schema = parts.length >= 2 ? TopicNamePart.decode(parts[parts.length - 2]) : "";
        // one pass: a name holding "${table}" stays as it is
        String name = PLACEHOLDER.matcher(format).replaceAll(m -> Matcher.quoteReplacement(switch (m.group(1)) {
            case "topic" -> topic;
            case "schema" -> schema;
            default -> table;
        }));
        if (name.isBlank()) {
            throw new IllegalArgumentException("table.name.format '" + format + "' gives an empty table name for topic '"
                    + topic + "'; include ${table} or ${topic}");
        }
        return name;
    }

    /**
     * The source table a row topic {@code <pipeline>.<schema>.<table>} carries, as {@code schema.table} with both
     * names decoded; for a topic of fewer parts, the topic itself.
     */
    public static String sourceTableOf(String topic) {
        String[] parts = topic.split("\\.");
        if (parts.length < 3) {
            return topic;
        }
        return TopicNamePart.decode(parts[parts.length - 2]) + "." + TopicNamePart.decode(parts[parts.length - 1]);
    }

    @Override
    public String toString() {
        return format;
    }
}
