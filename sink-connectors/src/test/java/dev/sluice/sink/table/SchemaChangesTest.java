package dev.sluice.sink.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sink.dialect.ColumnType;
import dev.sluice.sink.dialect.ColumnType.Kind;
import dev.sluice.sink.dialect.ColumnTypes;
import dev.sluice.sink.dialect.duckdb.DuckDbDialect;
import dev.sluice.sink.dialect.postgres.PostgresDialect;
import dev.sluice.sink.write.RowRecord;
import dev.sluice.sink.write.TableShape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class SchemaChangesTest {
    private static final ColumnType INTEGER = ColumnType.of(Kind.INTEGER);
    private static final ColumnType BIGINT = ColumnType.of(Kind.BIGINT);
    private static final ColumnType TEXT = ColumnType.of(Kind.TEXT);

    /** A table (id, a text, b integer) plus the metadata columns, as the sink created it. */
    private static Map<String, ColumnType> stored() {
        Map<String, ColumnType> columns = new LinkedHashMap<>();
        columns.put("id", INTEGER);
        columns.put("a", TEXT);
        columns.put("b", INTEGER);
        columns.put(RowRecord.SOURCE_TS, BIGINT);
        columns.put(RowRecord.VERSION, BIGINT);
        columns.put(RowRecord.DELETED, ColumnType.of(Kind.BOOLEAN));
        return columns;
    }

    /** A batch of one row with these columns (name, type), in this order. */
    private static TableShape shape(Object... namesAndTypes) {
        Map<String, RowRecord.Column> columns = new LinkedHashMap<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            columns.put((String) namesAndTypes[i], new RowRecord.Column((ColumnType) namesAndTypes[i + 1], null));
        }
        columns.put(RowRecord.SOURCE_TS, new RowRecord.Column(BIGINT, 1L));
        columns.put(RowRecord.VERSION, new RowRecord.Column(BIGINT, 1L));
        columns.put(RowRecord.DELETED, new RowRecord.Column(ColumnType.of(Kind.BOOLEAN), false));
        return TableShape.of(List.of(new RowRecord("t", new TopicPartition("t", 0), 0, List.of("id"), List.of(1), columns,
                1, 1L, false)));
    }

    private static List<String> described(List<SchemaChange> changes) {
        return changes.stream().map(c -> c.describe(new PostgresDialect())).toList();
    }

    @Test
    void theSameShapeNeedsNothingAndADroppedColumnNeither() {
        assertThat(SchemaChanges.between(stored(), shape("id", INTEGER, "a", TEXT, "b", INTEGER))).isEmpty();
        assertThat(SchemaChanges.between(stored(), shape("id", INTEGER, "b", INTEGER))).isEmpty();
    }

    @Test
    void aTypeTheWarehouseSpellsAlikeNeedsNoChange() {
        Map<String, ColumnType> stored = stored();
        stored.put("a", ColumnTypes.stored("JSON", null, null)); // DuckDB's JSON: a json or a jsonb source column
        TableShape jsonb = shape("id", INTEGER, "a", ColumnType.sourceText("JSONB"), "b", INTEGER);
        assertThat(SchemaChanges.between(stored, jsonb, new DuckDbDialect())).isEmpty();
        assertThat(SchemaChanges.between(stored, jsonb)).as("without the dialect: json to jsonb").hasSize(1);
        // PostgreSQL tells json from jsonb: a jsonb column of a json source becomes json, which keeps its text
        stored.put("a", ColumnTypes.stored("jsonb", null, null));
        assertThat(described(SchemaChanges.between(stored, shape("id", INTEGER, "a", ColumnType.sourceText("JSON"), "b", INTEGER),
                new PostgresDialect()))).containsExactly("column 'a' changed type from JSONB to JSON");
    }

    @Test
    void aNewFieldIsAnAddedColumn() {
        assertThat(described(SchemaChanges.between(stored(), shape("id", INTEGER, "a", TEXT, "b", INTEGER, "c", TEXT))))
                .containsExactly("column 'c' was added (TEXT)");
    }

    @Test
    void aWiderTypeIsATypeChangeAndANarrowerOneIsNot() {
        assertThat(described(SchemaChanges.between(stored(), shape("id", INTEGER, "a", TEXT, "b", BIGINT))))
                .containsExactly("column 'b' changed type from INTEGER to BIGINT");
        Map<String, ColumnType> wide = stored();
        wide.put("b", BIGINT);
        assertThat(SchemaChanges.between(wide, shape("id", INTEGER, "a", TEXT, "b", INTEGER))).isEmpty();
    }

    @Test
    void aFieldReplacingALostColumnOfTheSameTypeInItsPlaceIsARename() {
        assertThat(described(SchemaChanges.between(stored(), shape("id", INTEGER, "title", TEXT, "b", INTEGER))))
                .containsExactly("column 'a' was renamed to 'title'");
        assertThat(described(SchemaChanges.between(stored(), shape("id", INTEGER, "a", TEXT, "count", INTEGER))))
                .containsExactly("column 'b' was renamed to 'count'");
    }

    @Test
    void aRenameMeetingADropOfTheNextColumnInOneBatchRenamesTheFirst() {
        Map<String, ColumnType> columns = stored();
        columns.put("b", TEXT); // (id, a text, b text): a renamed to title, b dropped
        assertThat(described(SchemaChanges.between(columns, shape("id", INTEGER, "title", TEXT))))
                .containsExactly("column 'a' was renamed to 'title'");
    }

    @Test
    void aColumnDroppedInTheMiddleAndOneAddedAtTheEndAreNoRename() {
        assertThat(described(SchemaChanges.between(stored(), shape("id", INTEGER, "b", INTEGER, "c", TEXT))))
                .containsExactly("column 'c' was added (TEXT)");
    }

    @Test
    void aFieldOfAnotherTypeInTheLostColumnsPlaceIsNoRename() {
        assertThat(described(SchemaChanges.between(stored(), shape("id", INTEGER, "title", BIGINT, "b", INTEGER))))
                .containsExactly("column 'title' was added (BIGINT)");
    }
}
