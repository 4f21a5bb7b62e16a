package dev.sluice.schemas.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    private static final Schema ORDER = SchemaBuilder.record("Order").namespace("shop").fields()
            .requiredLong("id").optionalString("note").endRecord();

    @Test
    void framesWithMagicByteAndBigEndianId() {
        GenericRecord order = new GenericData.Record(ORDER);
        order.put("id", 7L);
        byte[] bytes = WireFormat.encode(0x01020304, ORDER, order);

        assertThat(bytes[0]).isEqualTo((byte) 0);
        assertThat(new byte[] {bytes[1], bytes[2], bytes[3], bytes[4]}).containsExactly(1, 2, 3, 4);
        assertThat(WireFormat.schemaId(bytes)).isEqualTo(0x01020304);
        GenericRecord back = (GenericRecord) WireFormat.decode(bytes, ORDER, ORDER);
        assertThat(back.get("id")).isEqualTo(7L);
        assertThat(back.get("note")).isNull();
    }

    @Test
    void readsStringsAsJavaStrings() {
        Schema schema = SchemaBuilder.record("R").fields().requiredString("s")
                .name("m").type().map().values().stringType().noDefault()
                .name("a").type().array().items().stringType().noDefault()
                .optionalString("o").endRecord();
        GenericRecord record = new GenericData.Record(schema);
        record.put("s", new org.apache.avro.util.Utf8("x"));
        record.put("m", java.util.Map.of("k", "v"));
        record.put("a", java.util.List.of("e"));
        record.put("o", "y");
        GenericRecord back = (GenericRecord) WireFormat.decode(WireFormat.encode(1, schema, record), schema, schema);
        assertThat(back.get("s")).isEqualTo("x");
        assertThat(back.get("o")).isEqualTo("y");
        assertThat(back.get("m")).isEqualTo(java.util.Map.of("k", "v"));
        assertThat(back.get("a")).asList().containsExactly("e");
        assertThat(back).isEqualTo(record);
    }

    @Test
    void encodesBigDecimalForADecimalLogicalType() {
        Schema decimal = LogicalTypes.decimal(10, 2).addToSchema(Schema.create(Schema.Type.BYTES));
        byte[] bytes = WireFormat.encode(1, decimal, new BigDecimal("12.34"));
        ByteBuffer raw = (ByteBuffer) WireFormat.decode(bytes, decimal, decimal);
        byte[] unscaled = new byte[raw.remaining()];
        raw.get(unscaled);
        assertThat(new BigDecimal(new java.math.BigInteger(unscaled), 2)).isEqualByComparingTo("12.34");
    }

    @Test
    void refusesBytesWithoutTheMagicByte() {
        byte[] json = "{\"id\":1}".getBytes();
        assertThatThrownBy(() -> WireFormat.schemaId(json))
                .isInstanceOf(SerializationException.class)
                .hasMessageStartingWith("bytes do not start with the Schema Registry magic byte 0 (found 0x7b");
    }

    @Test
    void refusesBytesTooShortForAnId() {
        assertThatThrownBy(() -> WireFormat.schemaId(new byte[] {0, 0, 1}))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("3 bytes is too short");
    }

    @Test
    void refusesABodyThatDoesNotMatchTheWriterSchema() {
        byte[] bytes = WireFormat.encode(3, Schema.create(Schema.Type.STRING), "hello world");
        Schema wrong = Schema.create(Schema.Type.LONG);
        assertThatThrownBy(() -> WireFormat.decode(bytes, wrong, wrong))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("schema id 3");
    }
}
