package dev.sluice.sink.table;

import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.ColumnTypes;
import dev.sluice.sink.dialect.Dialect;
import dev.sluice.sink.write.TableShape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Compares a batch's shape with the columns its table has ({@code information_schema} order and types) and lists the
 * {@link SchemaChange}s it needs.
 *
 * <p>A rename reaches the sink as a schema that lost one field and gained another. It is taken for a rename when the
 * gained field has the same type as a stored column the source no longer sends, and both follow the same column (the
 * previous field of the new schema is the previous still-sent column before the stored one); of several such columns
 * (the rename and a drop of the next column in one batch) the first. So {@code RENAME COLUMN} is recognised wherever
 * the column sits, while a column dropped in the middle and another added at the end is not. The limits: dropping the
 * last column and adding one of the same type, with no change of that table reaching the sink in between, looks
 * exactly like a rename and is treated as one; so is dropping a column and renaming the next one of the same type.
 */
final class SchemaChanges {

    private SchemaChanges() {
    }

    /** @param stored the table's columns in order, with their types (null when the sink does not compare that type) */
    static List<SchemaChange> between(Map<String, ColumnType> stored, TableShape shape) {
        return between(stored, shape, null);
    }

    /**
     * As {@link #between(Map, TableShape)}; with a dialect, a stored type it spells as the incoming one needs no
     * change (DuckDB's JSON holds both json and jsonb).
     */
    static List<SchemaChange> between(Map<String, ColumnType> stored, TableShape shape, Dialect dialect) {
        List<SchemaChange> changes = new ArrayList<>();
        Map<String, String> renames = renames(stored, shape);
        renames.forEach((former, name) -> changes.add(SchemaChange.renamed(former, name, shape.columns().get(name))));
        Set<String> renamedTo = new HashSet<>(renames.values());
        for (Map.Entry<String, ColumnType> column : shape.columns().entrySet()) {
            String name = column.getKey();
            if (TableShape.isMeta(name) || renamedTo.contains(name)) {
                continue;
            }
            if (!stored.containsKey(name)) {
                changes.add(SchemaChange.added(name, column.getValue()));
                continue;
            }
            ColumnType widened = ColumnTypes.widened(stored.get(name), column.getValue());
            if (widened != null && dialect != null && stored.get(name) != null
                    && dialect.sqlType(stored.get(name)).equals(dialect.sqlType(column.getValue()))) {
                widened = null;
            }
            if (widened != null) {
                changes.add(SchemaChange.retyped(name, stored.get(name), widened));
            }
        }
        return changes;
    }

    /** Stored column -> new field name, for each gained field that took a lost column's place (see the class comment). */
    private static Map<String, String> renames(Map<String, ColumnType> stored, TableShape shape) {
        List<String> newest = shape.newestFields();
        Set<String> sent = new HashSet<>(newest);
        List<String> lost = stored.keySet().stream().filter(c -> !TableShape.isMeta(c) && !sent.contains(c)).toList();
        Map<String, String> renames = new LinkedHashMap<>();
        if (lost.isEmpty()) {
            return renames;
        }
        for (int i = 0; i < newest.size(); i++) {
            String gained = newest.get(i);
            if (stored.containsKey(gained)) {
                continue;
            }
            String previous = i == 0 ? null : newest.get(i - 1);
            ColumnType type = shape.columns().get(gained);
            List<String> candidates = lost.stream()
                    .filter(c -> !renames.containsKey(c) && sameType(stored.get(c), type)
                            && Objects.equals(previousSent(stored, c, sent), previous))
                    .toList();
            if (!candidates.isEmpty()) {
                // several: the rename and a drop of the column after it met in one batch; the first one is in its place
                renames.put(candidates.get(0), gained);
            }
        }
        return renames;
    }

    /** The last column before {@code column} in the table that the source still sends, or null. */
    private static String previousSent(Map<String, ColumnType> stored, String column, Set<String> sent) {
        String previous = null;
        for (String c : stored.keySet()) {
            if (c.equals(column)) {
                return previous;
            }
            if (sent.contains(c)) {
                previous = c;
            }
        }
        return previous;
    }

    private static boolean sameType(ColumnType stored, ColumnType incoming) {
        return stored != null && ColumnTypes.widened(stored, incoming) == null && ColumnTypes.widened(incoming, stored) == null;
    }
}
