package dev.sluice.ingest.publish;

import dev.sluice.ingest.source.TableId;

/**
 * Names of the change topics: {@code <prefix>.<schema>.<table>}, with every character Kafka does
 * not allow in a topic name replaced by {@code _}, the same rule Debezium's default topic naming
 * applies, so the topics we create are the topics Debezium writes to.
 */
public final class TopicNames {

    private TopicNames() {
    }

    public static String changeTopic(String prefix, TableId table) {
        return sanitize(prefix + "." + table.schema() + "." + table.table());
    }

    static String sanitize(String name) {
        StringBuilder out = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            boolean legal = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '_' || c == '-';
            out.append(legal ? c : '_');
        }
        return out.toString();
    }
}
