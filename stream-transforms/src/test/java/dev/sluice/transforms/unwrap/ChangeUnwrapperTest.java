package dev.sluice.transforms.unwrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.transforms.testkit.Envelopes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class ChangeUnwrapperTest {

    private final Envelopes orders = Envelopes.forTable("public", "orders");
    private final ChangeUnwrapper unwrapper = new ChangeUnwrapper();

    @Test
    void insertUpdateAndSnapshotReadTakeTheAfterImage() {
        for (String op : new String[] {"c", "u", "r"}) {
            GenericRecord before = "u".equals(op) ? orders.row(7, "1.00", null, 1L) : null;
            GenericRecord after = orders.row(7, "12.50", "hello", 1_700_000_000_000_000L);

            GenericRecord row = unwrapper.unwrap(orders.envelope(op, before, after, 4242L, 1_700_000_000_000L));

            assertThat(row.get("id")).isEqualTo(7);
            assertThat(row.get("amount")).isEqualTo(after.get("amount"));
            assertThat(row.get("note")).isEqualTo("hello");
            assertThat(row.get("created_at")).isEqualTo(1_700_000_000_000_000L);
            assertThat(row.get(ChangeUnwrapper.SOURCE_TS)).isEqualTo(1_700_000_000_000L);
            assertThat(row.get(ChangeUnwrapper.VERSION)).isEqualTo(4242L);
            assertThat(row.get(ChangeUnwrapper.DELETED)).isEqualTo(false);
        }
    }

    @Test
    void deleteTakesTheBeforeImageAndIsMarkedDeleted() {
        GenericRecord row = unwrapper.unwrap(orders.delete(7, "12.50", 5000L, 1_700_000_100_000L));

        assertThat(row.get("id")).isEqualTo(7);
        assertThat(row.get("amount")).isEqualTo(orders.row(7, "12.50", null, 0).get("amount"));
        assertThat(row.get(ChangeUnwrapper.VERSION)).isEqualTo(5000L);
        assertThat(row.get(ChangeUnwrapper.SOURCE_TS)).isEqualTo(1_700_000_100_000L);
        assertThat(row.get(ChangeUnwrapper.DELETED)).isEqualTo(true);
    }

    @Test
    void rowSchemaKeepsColumnSchemasWithTheirConnectPropertiesAndAddsMetadata() {
        Schema schema = unwrapper.unwrap(orders.insert(1, "1.00", 1L, 1L)).getSchema();

        assertThat(schema.getFullName()).isEqualTo("sluice.public.orders.Row");
        assertThat(schema.getFields()).extracting(Schema.Field::name)
                .containsExactly("id", "amount", "note", "created_at", "__source_ts", "__version", "__deleted");
        Schema amount = schema.getField("amount").schema();
        assertThat(amount.getProp("connect.name")).isEqualTo("org.apache.kafka.connect.data.Decimal");
        assertThat(amount.getObjectProp("connect.parameters"))
                .isEqualTo(java.util.Map.of("scale", "2", "connect.decimal.precision", "10"));
        assertThat(amount.getLogicalType()).isEqualTo(org.apache.avro.LogicalTypes.decimal(10, 2));
        assertThat(schema.getField("created_at").schema().getProp("connect.name"))
                .isEqualTo("io.debezium.time.MicroTimestamp");
        assertThat(schema.getField("note").schema()).isEqualTo(orders.valueSchema.getField("note").schema());
        assertThat(schema.getField("note").defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        assertThat(schema.getField("__source_ts").schema().getType()).isEqualTo(Schema.Type.LONG);
        assertThat(schema.getField("__version").schema().getType()).isEqualTo(Schema.Type.LONG);
        assertThat(schema.getField("__deleted").schema().getType()).isEqualTo(Schema.Type.BOOLEAN);
        // the row round-trips through Avro's parser: a valid, self-contained schema
        assertThat(new Schema.Parser().parse(schema.toString())).isEqualTo(schema);
    }

    @Test
    void rowSchemaIsDerivedOncePerEnvelopeSchema() {
        Schema first = unwrapper.unwrap(orders.insert(1, "1.00", 1L, 1L)).getSchema();
        Schema second = unwrapper.unwrap(orders.delete(1, "1.00", 2L, 2L)).getSchema();

        assertThat(second).isSameAs(first);
    }

    @Test
    void namespaceWithCharactersAvroRejectsIsSanitized() {
        assertThat(AvroNames.sanitize("my-db")).isEqualTo("my_db");
        assertThat(AvroNames.sanitize("2024sales")).isEqualTo("_2024sales");
    }

    @Test
    void unknownOpIsRejectedWithTheReason() {
        GenericRecord truncate = orders.envelope("t", null, null, 1L, 1L);

        assertThatThrownBy(() -> unwrapper.unwrap(truncate))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("op 't'");
    }

    @Test
    void deleteWithoutBeforeImageIsRejected() {
        GenericRecord delete = orders.envelope("d", null, null, 1L, 1L);

        assertThatThrownBy(() -> unwrapper.unwrap(delete))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'before'");
    }

    @Test
    void columnNamedLikeMetadataIsRejected() {
        Schema value = Schema.createRecord("Value", null, "x", false,
                java.util.List.of(new Schema.Field("__version", Schema.create(Schema.Type.LONG))));
        Schema envelope = Schema.createRecord("Envelope", null, "x", false, java.util.List.of(
                new Schema.Field("after", Schema.createUnion(Schema.create(Schema.Type.NULL), value)),
                new Schema.Field("op", Schema.create(Schema.Type.STRING))));
        GenericData.Record record = new GenericData.Record(envelope);
        record.put("op", "c");

        assertThatThrownBy(() -> unwrapper.unwrap(record))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'__version'");
    }
}
