package dev.sluice.sink.write;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.ColumnType.Kind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** How a batch whose rows carry different schema versions of one table is written. */
class TableShapeEvolutionTest {
    private static final ColumnType INTEGER = ColumnType.of(Kind.INTEGER);
    private static final ColumnType BIGINT = ColumnType.of(Kind.BIGINT);
    private static final ColumnType TEXT = ColumnType.of(Kind.TEXT);

    private static RowRecord row(int id, long version, Object[]... columns) {
        Map<String, RowRecord.Column> map = new LinkedHashMap<>();
        map.put("id", new RowRecord.Column(INTEGER, id));
        for (Object[] c : columns) {
            map.put((String) c[0], new RowRecord.Column((ColumnType) c[1], c[2], c.length > 3 ? c[3] : null));
        }
        map.put(RowRecord.SOURCE_TS, new RowRecord.Column(BIGINT, 1L));
        map.put(RowRecord.VERSION, new RowRecord.Column(BIGINT, version));
        map.put(RowRecord.DELETED, new RowRecord.Column(ColumnType.of(Kind.BOOLEAN), false));
        return new RowRecord("t", new TopicPartition("t", 0), version, List.of("id"), List.of(id), map, version, 1L, false);
    }

    private static Object[] col(String name, ColumnType type, Object value) {
        return new Object[] {name, type, value};
    }

    private static Object[] col(String name, ColumnType type, Object value, Object defaultValue) {
        return new Object[] {name, type, value, defaultValue};
    }

    @Test
    void aRowOfAnOlderSchemaGetsTheDefaultOfAFieldItLacks() {
        RowRecord before = row(1, 1, col("qty", INTEGER, 5));
        RowRecord after = row(2, 2, col("qty", INTEGER, 6), col("flag", INTEGER, 8, 7), col("note", TEXT, null));
        TableShape shape = TableShape.of(List.of(before, after));
        assertThat(shape.columnNames()).startsWith("id", "qty", "flag", "note");
        assertThat(shape.valuesOf(before)).startsWith(1, 5, 7, null);
        assertThat(shape.valuesOf(after)).startsWith(2, 6, 8, null);
    }

    @Test
    void theNewestTypeWinsAndOlderValuesAreConvertedToIt() {
        RowRecord before = row(1, 1, col("qty", INTEGER, 5));
        RowRecord after = row(2, 2, col("qty", BIGINT, 3_000_000_000L));
        TableShape shape = TableShape.of(List.of(before, after));
        assertThat(shape.columns().get("qty")).isEqualTo(BIGINT);
        assertThat(shape.valuesOf(before)[1]).isEqualTo(5L);
    }

    @Test
    void afterARenameRowsOfTheOlderSchemaFillTheRenamedColumn() {
        RowRecord before = row(1, 1, col("old_name", TEXT, "x"));
        RowRecord after = row(2, 2, col("new_name", TEXT, "y"));
        TableShape shape = TableShape.of(List.of(before, after)).renamed(Map.of("old_name", "new_name"));
        assertThat(shape.columnNames()).startsWith("id", "new_name").doesNotContain("old_name");
        assertThat(shape.valuesOf(before)).startsWith(1, "x");
        assertThat(shape.valuesOf(after)).startsWith(2, "y");
    }

    @Test
    void leftOutFieldsAreCounted() {
        RowRecord one = row(1, 1, col("qty", INTEGER, 5), col("note", TEXT, "a"));
        RowRecord two = row(2, 2, col("qty", INTEGER, 6), col("note", TEXT, null));
        TableShape shape = TableShape.of(List.of(one, two)).without(Set.of("note"));
        assertThat(shape.columnNames()).doesNotContain("note");
        assertThat(shape.droppedValues()).isEqualTo(1);
    }
}
