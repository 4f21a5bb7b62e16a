package dev.sluice.sink.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.sink.config.PkMode;
import dev.sluice.sink.config.TableNameFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class RowRecordParserTest {
    private static final TableNameFormat TABLES = new TableNameFormat("${table}");
    private static final Schema TOASTY = SchemaBuilder.struct().name("v")
            .field("id", Schema.INT32_SCHEMA).field("small", Schema.OPTIONAL_STRING_SCHEMA)
            .field("big", Schema.OPTIONAL_STRING_SCHEMA).field("blob", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("doc", SchemaBuilder.string().name("io.debezium.data.Json").optional().build())
            .field(RowRecord.SOURCE_TS, Schema.INT64_SCHEMA).field(RowRecord.VERSION, Schema.INT64_SCHEMA)
            .field(RowRecord.DELETED, Schema.BOOLEAN_SCHEMA).build();
    private static final Schema ID_KEY = SchemaBuilder.struct().name("k").field("id", Schema.INT32_SCHEMA).build();
    private static final byte[] PLACEHOLDER = RowRecord.UNAVAILABLE_PLACEHOLDER.getBytes(StandardCharsets.UTF_8);

    static SinkRecord toasty(long offset, String small, String big, Object blob, String doc, long version) {
        Struct value = new Struct(TOASTY).put("id", 1).put("small", small).put("big", big).put("blob", blob).put("doc", doc)
                .put(RowRecord.SOURCE_TS, 1L).put(RowRecord.VERSION, version).put(RowRecord.DELETED, false);
        return new SinkRecord("replica.public.docs", 0, ID_KEY, new Struct(ID_KEY).put("id", 1), TOASTY, value, offset);
    }

    @Test
    void thePlaceholderMarksTextBytesAndJsonColumnsUnchanged() {
        RowRecord row = new RowRecordParser(TABLES).parse(toasty(0, "s", RowRecord.UNAVAILABLE_PLACEHOLDER,
                ByteBuffer.wrap(PLACEHOLDER), RowRecord.UNAVAILABLE_PLACEHOLDER, 2));
        assertThat(row.columns().get("big").unchanged()).isTrue();
        assertThat(row.columns().get("blob").unchanged()).isTrue();
        assertThat(row.columns().get("doc").unchanged()).isTrue();
        assertThat(row.columns().get("small").unchanged()).isFalse();
        TableShape shape = TableShape.of(List.of(row));
        assertThat(shape.unchangedMarker(row)).isEqualTo("2,3,4");
        assertThat(shape.columnsWithout("2,3,4")).containsExactly("id", "small", RowRecord.SOURCE_TS, RowRecord.VERSION,
                RowRecord.DELETED);
        assertThat(shape.stagingValuesOf(row)).containsExactly(1, "s", null, null, null, 1L, 2L, false, "2,3,4");
    }

    @Test
    void aNewerRowWithUnchangedColumnsTakesThemFromTheOlderRowOfTheBatch() {
        RowRecordParser parser = new RowRecordParser(TABLES);
        LatestVersionBatch batch = new LatestVersionBatch();
        batch.add(parser.parse(toasty(0, "a", "large", new byte[] {1}, "{}", 1)));
        batch.add(parser.parse(toasty(1, "b", RowRecord.UNAVAILABLE_PLACEHOLDER, PLACEHOLDER, RowRecord.UNAVAILABLE_PLACEHOLDER, 2)));
        RowRecord survivor = batch.rowsByTable().get("docs").iterator().next();
        assertThat(survivor.version()).isEqualTo(2);
        assertThat(survivor.columns().get("small").value()).isEqualTo("b");
        assertThat(survivor.columns().get("big").value()).isEqualTo("large");
        assertThat(survivor.columns().get("doc").value()).isEqualTo("{}");
        assertThat(survivor.hasUnchanged()).isFalse();
    }

    @Test
    void pkFieldsPickASubsetOfTheKeyAndAMissingOneIsADataException() {
        RowRecord row = new RowRecordParser(TABLES, PkMode.RECORD_KEY, List.of("region")).parse(Rows.row(0, 0, "eu", 1, "a", 1, false));
        assertThat(row.keyColumns()).containsExactly("region");
        assertThat(row.columns()).containsKey("id");

        assertThatThrownBy(() -> new RowRecordParser(TABLES, PkMode.RECORD_KEY, List.of("order_id"))
                .parse(Rows.row(0, 0, "eu", 1, "a", 1, false)))
                .isInstanceOf(DataException.class).hasMessageContaining("pk.fields names column 'order_id'")
                .hasMessageContaining("[region, id]");
    }

    @Test
    void recordValueKeysComeFromTheValueAndKeylessRowsAreAllDistinct() {
        RowRecord byValue = new RowRecordParser(TABLES, PkMode.RECORD_VALUE, List.of("id", "note"))
                .parse(Rows.row(0, 0, "eu", 1, "a", 1, false));
        assertThat(byValue.keyColumns()).containsExactly("id", "note");
        assertThat(byValue.keyIdentity()).containsExactly(1, "a");

        RowRecordParser keyless = new RowRecordParser(TABLES, PkMode.NONE, List.of());
        LatestVersionBatch batch = new LatestVersionBatch();
        batch.add(keyless.parse(Rows.row(0, 0, "eu", 1, "a", 1, false)));
        batch.add(keyless.parse(Rows.row(0, 1, "eu", 1, "a", 1, false)));
        assertThat(batch.rowsByTable().get("orders")).hasSize(2).allSatisfy(r -> assertThat(r.keyColumns()).isEmpty());
    }
}
