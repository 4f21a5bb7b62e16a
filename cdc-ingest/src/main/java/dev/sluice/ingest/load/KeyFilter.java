package dev.sluice.ingest.load;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * The SQL condition that selects exactly the rows of some keys, for an incremental snapshot's
 * {@code additional-conditions} filter: {@code ("id")::text IN ('1', '7')}, or for a composite key
 * {@code (("a")::text, ("b")::text) IN (('x', '1'), ...)}. Comparing text forms keeps one spelling for every key type
 * whose Connect value prints as PostgreSQL prints it (integers, text, uuid, boolean); other key types (dates, numerics,
 * bytes: Debezium's encodings differ from PostgreSQL's text) give no filter. Literals are quoted and escaped, so a key
 * value never becomes SQL.
 */
final class KeyFilter {

    private KeyFilter() {
    }

    /** The condition for {@code keys} (all of one table, non-empty), or empty when a key column's type has no exact text form here. */
    static Optional<String> of(List<Struct> keys) {
        Schema schema = keys.get(0).schema();
        List<Field> fields = schema.fields();
        if (fields.isEmpty() || !fields.stream().allMatch(KeyFilter::printsAsPostgres)) {
            return Optional.empty();
        }
        String columns = fields.stream().map(f -> "(" + identifier(f.name()) + ")::text").collect(Collectors.joining(", "));
        String values = keys.stream().distinct().map(key -> {
            String tuple = fields.stream().map(f -> literal(key.get(f))).collect(Collectors.joining(", "));
            return fields.size() == 1 ? tuple : "(" + tuple + ")";
        }).collect(Collectors.joining(", "));
        return Optional.of((fields.size() == 1 ? columns : "(" + columns + ")") + " IN (" + values + ")");
    }

    private static boolean printsAsPostgres(Field field) {
        Schema s = field.schema();
        if (s.name() != null && !"io.debezium.data.Uuid".equals(s.name())) {
            return false; // a logical type: Debezium's value is not the column's text
        }
        return switch (s.type()) {
            case INT8, INT16, INT32, INT64, STRING, BOOLEAN -> true;
            default -> false;
        };
    }

    private static String literal(Object value) {
        return value == null ? "NULL" : "'" + value.toString().replace("'", "''") + "'";
    }

    private static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
