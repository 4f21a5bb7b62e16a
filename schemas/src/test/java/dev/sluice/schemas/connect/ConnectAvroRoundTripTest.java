package dev.sluice.schemas.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.sluice.schemas.wire.WireFormat;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/**
 * Connect -> Avro -> (JSON text, as the registry stores it) -> Avro binary -> Connect must give back
 * an equal schema and an equal value.
 */
class ConnectAvroRoundTripTest {

    private final ConnectToAvroSchema toAvro = new ConnectToAvroSchema();

    private static org.apache.kafka.connect.data.Schema micros() {
        return SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1).build();
    }

    private static org.apache.kafka.connect.data.Schema variableScaleDecimal() {
        return SchemaBuilder.struct().name("io.debezium.data.VariableScaleDecimal").version(1)
                .doc("Variable scaled decimal").field("scale", org.apache.kafka.connect.data.Schema.INT32_SCHEMA)
                .field("value", org.apache.kafka.connect.data.Schema.BYTES_SCHEMA).optional().build();
    }

    /** Converts both ways through the registry's text form and the binary encoding; returns the value read back. */
    private SchemaAndValue roundTrip(org.apache.kafka.connect.data.Schema schema, Object value) {
        Schema avro = toAvro.convert(schema);
        Schema stored = new Schema.Parser().parse(avro.toString());
        assertThat(stored).as("Avro schema survives its JSON form").isEqualTo(avro);
        byte[] bytes = WireFormat.encode(1, avro, ConnectToAvroValue.convert(schema, avro, value));
        assertThat(ConnectToAvroBinary.encode(1, schema, avro, value)).as("the one-walk encoding, byte for byte")
                .isEqualTo(bytes);
        Object datum = WireFormat.decode(bytes, stored, stored);
        org.apache.kafka.connect.data.Schema back = new AvroToConnectSchema().convert(stored);
        return new SchemaAndValue(back, AvroToConnectValue.convert(stored, back, datum));
    }

    private void assertRoundTrip(org.apache.kafka.connect.data.Schema schema, Object value) {
        SchemaAndValue back = roundTrip(schema, value);
        assertThat(back.schema()).isEqualTo(schema);
        if (value instanceof byte[] bytes) {
            assertThat((byte[]) back.value()).isEqualTo(bytes);
        } else {
            assertThat(back.value()).isEqualTo(value);
        }
    }

    @Test
    void primitivesRoundTrip() {
        assertRoundTrip(org.apache.kafka.connect.data.Schema.INT8_SCHEMA, (byte) -8);
        assertRoundTrip(org.apache.kafka.connect.data.Schema.INT16_SCHEMA, (short) 1600);
        assertRoundTrip(org.apache.kafka.connect.data.Schema.INT32_SCHEMA, 32);
        assertRoundTrip(org.apache.kafka.connect.data.Schema.INT64_SCHEMA, Long.MAX_VALUE);
        assertRoundTrip(org.apache.kafka.connect.data.Schema.FLOAT32_SCHEMA, 1.5f);
        assertRoundTrip(org.apache.kafka.connect.data.Schema.FLOAT64_SCHEMA, -2.25d);
        assertRoundTrip(org.apache.kafka.connect.data.Schema.BOOLEAN_SCHEMA, true);
        assertRoundTrip(org.apache.kafka.connect.data.Schema.STRING_SCHEMA, "héllo");
        assertRoundTrip(org.apache.kafka.connect.data.Schema.BYTES_SCHEMA, new byte[] {1, 2, 3});
        assertRoundTrip(org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA, "x");
        assertRoundTrip(org.apache.kafka.connect.data.Schema.OPTIONAL_INT8_SCHEMA, (byte) 1);
    }

    @Test
    void optionalSchemasBecomeNullUnionsWithDefaultNull() {
        Schema avro = toAvro.convert(SchemaBuilder.struct().name("R")
                .field("a", org.apache.kafka.connect.data.Schema.OPTIONAL_INT64_SCHEMA).build());
        Schema.Field a = avro.getField("a");
        assertThat(a.schema().getType()).isEqualTo(Schema.Type.UNION);
        assertThat(a.schema().getTypes().get(0).getType()).isEqualTo(Schema.Type.NULL);
        assertThat(a.hasDefaultValue()).isTrue();
        assertThat(a.defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
    }

    @Test
    void connectLogicalTypesBecomeAvroLogicalTypes() {
        org.apache.kafka.connect.data.Schema decimal = Decimal.builder(2)
                .parameter(ConnectAvro.DECIMAL_PRECISION, "10").build();
        Schema avroDecimal = toAvro.convert(decimal);
        assertThat(avroDecimal.getLogicalType()).isEqualTo(LogicalTypes.decimal(10, 2));
        assertThat(avroDecimal.getType()).isEqualTo(Schema.Type.BYTES);
        assertThat(toAvro.convert(Decimal.schema(3)).getLogicalType()).isEqualTo(LogicalTypes.decimal(64, 3));
        assertThat(toAvro.convert(Date.SCHEMA).getLogicalType()).isEqualTo(LogicalTypes.date());
        assertThat(toAvro.convert(Time.SCHEMA).getLogicalType()).isEqualTo(LogicalTypes.timeMillis());
        assertThat(toAvro.convert(Timestamp.SCHEMA).getLogicalType()).isEqualTo(LogicalTypes.timestampMillis());

        assertRoundTrip(decimal, new BigDecimal("12345678.90"));
        assertRoundTrip(Decimal.schema(0), new BigDecimal("-7"));
        assertRoundTrip(Date.SCHEMA, new java.util.Date(19_000L * 86_400_000L));
        assertRoundTrip(Time.SCHEMA, new java.util.Date(12 * 3_600_000L + 345));
        assertRoundTrip(Timestamp.SCHEMA, new java.util.Date(1_764_000_000_123L));
    }

    @Test
    void decimalsWithLargePrecisionRoundTrip() {
        org.apache.kafka.connect.data.Schema wide = Decimal.builder(20)
                .parameter(ConnectAvro.DECIMAL_PRECISION, "100").optional().build();
        BigDecimal huge = new BigDecimal("12345678901234567890123456789012345678901234567890123456789.01234567890123456789");
        assertRoundTrip(wide, huge);
        assertThat(((LogicalTypes.Decimal) toAvro.convert(wide).getTypes().get(1).getLogicalType()).getPrecision())
                .isEqualTo(100);
        // Without a precision parameter the default (64) applies, but a scale larger than it wins.
        assertRoundTrip(Decimal.schema(70), new BigDecimal("1." + "0".repeat(69) + "1"));
    }

    @Test
    void debeziumSemanticTypesKeepTheirNamesAndParameters() {
        org.apache.kafka.connect.data.Schema zoned = SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").version(1).build();
        org.apache.kafka.connect.data.Schema json = SchemaBuilder.string().name("io.debezium.data.Json").version(1).optional().build();
        org.apache.kafka.connect.data.Schema uuid = SchemaBuilder.string().name("io.debezium.data.Uuid").version(1).build();
        org.apache.kafka.connect.data.Schema dbzDate = SchemaBuilder.int32().name("io.debezium.time.Date").version(1).build();
        org.apache.kafka.connect.data.Schema enumType = SchemaBuilder.string().name("io.debezium.data.Enum").version(1)
                .parameter("allowed", "new,paid,shipped").build();
        org.apache.kafka.connect.data.Schema precise = Decimal.builder(2).optional()
                .parameter(ConnectAvro.DECIMAL_PRECISION, "12").build();

        assertRoundTrip(micros(), 1_764_000_000_123_456L);
        assertRoundTrip(zoned, "2026-11-26T17:00:00.123456Z");
        assertRoundTrip(json, "{\"a\": [1, 2]}");
        assertRoundTrip(uuid, "5e3d4c2b-0000-4000-8000-000000000001");
        assertRoundTrip(dbzDate, 20_000);
        assertRoundTrip(enumType, "paid");
        assertRoundTrip(precise, new BigDecimal("99.95"));
        org.apache.kafka.connect.data.Schema vsd = variableScaleDecimal();
        assertRoundTrip(vsd, new Struct(vsd).put("scale", 3).put("value", new byte[] {0x30, 0x39}));

        Schema avroMicros = toAvro.convert(micros());
        assertThat(avroMicros.getProp(ConnectAvro.NAME)).isEqualTo("io.debezium.time.MicroTimestamp");
        assertThat(avroMicros.getObjectProp(ConnectAvro.VERSION)).isEqualTo(1);
        assertThat(toAvro.convert(enumType).getObjectProp(ConnectAvro.PARAMETERS))
                .isEqualTo(Map.of("allowed", "new,paid,shipped"));
    }

    @Test
    void debeziumEnvelopeRoundTripsWithSharedBeforeAfterSchema() {
        org.apache.kafka.connect.data.Schema row = SchemaBuilder.struct().name("sluice.public.orders.Value")
                .field("id", org.apache.kafka.connect.data.Schema.INT64_SCHEMA)
                .field("amount", Decimal.builder(2).parameter(ConnectAvro.DECIMAL_PRECISION, "12").build())
                .field("created_at", micros())
                .field("price", variableScaleDecimal())
                .optional().build();
        org.apache.kafka.connect.data.Schema source = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
                .field("version", org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
                .field("ts_ms", org.apache.kafka.connect.data.Schema.INT64_SCHEMA)
                .field("snapshot", SchemaBuilder.string().optional().name("io.debezium.data.Enum").version(1)
                        .parameter("allowed", "true,last,false,incremental").defaultValue("false").build())
                .field("lsn", org.apache.kafka.connect.data.Schema.OPTIONAL_INT64_SCHEMA)
                .build();
        org.apache.kafka.connect.data.Schema envelope = SchemaBuilder.struct().name("sluice.public.orders.Envelope").version(2)
                .field("before", row).field("after", row).field("source", source)
                .field("op", org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
                .field("ts_ms", org.apache.kafka.connect.data.Schema.OPTIONAL_INT64_SCHEMA)
                .build();
        Struct after = new Struct(row).put("id", 1L).put("amount", new BigDecimal("10.50"))
                .put("created_at", 1_764_000_000_000_001L)
                .put("price", new Struct(row.field("price").schema()).put("scale", 1).put("value", new byte[] {5}));
        Struct value = new Struct(envelope).put("after", after)
                .put("source", new Struct(source).put("version", "3.7.0.Final").put("ts_ms", 1_764_000_000_000L)
                        .put("lsn", 123456789L))
                .put("op", "c").put("ts_ms", 1_764_000_000_500L);

        Schema avro = toAvro.convert(envelope);
        assertThat(avro.getFullName()).isEqualTo("sluice.public.orders.Envelope");
        assertThat(avro.getField("before").schema().getTypes().get(1))
                .isSameAs(avro.getField("after").schema().getTypes().get(1));

        SchemaAndValue back = roundTrip(envelope, value);
        assertThat(back.schema()).isEqualTo(envelope);
        // the source's snapshot field was left unset: it stays null (an optional field's null is never its default)
        assertThat(back.value()).isEqualTo(value);
        assertThat(((Struct) back.value()).getStruct("source").getWithoutDefault("snapshot")).isNull();
    }

    @Test
    void nestedOptionalStructsArraysAndMapsRoundTrip() {
        org.apache.kafka.connect.data.Schema address = SchemaBuilder.struct().name("shop.Address")
                .field("city", org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
                .field("zip", org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA).optional().build();
        org.apache.kafka.connect.data.Schema customer = SchemaBuilder.struct().name("shop.Customer")
                .field("address", address)
                .field("tags", SchemaBuilder.array(org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA).build())
                .field("scores", SchemaBuilder.map(org.apache.kafka.connect.data.Schema.STRING_SCHEMA,
                        org.apache.kafka.connect.data.Schema.INT32_SCHEMA).optional().build())
                .field("byId", SchemaBuilder.map(org.apache.kafka.connect.data.Schema.INT64_SCHEMA,
                        org.apache.kafka.connect.data.Schema.STRING_SCHEMA).build())
                .field("history", SchemaBuilder.array(address).optional().build())
                .build();

        Map<String, Integer> scores = new LinkedHashMap<>();
        scores.put("a", 1);
        scores.put("b", 2);
        Map<Long, String> byId = new LinkedHashMap<>();
        byId.put(1L, "one");
        byId.put(2L, "two");
        Struct home = new Struct(address).put("city", "Lyon");
        Struct value = new Struct(customer).put("address", home).put("tags", Arrays.asList("x", null, "z"))
                .put("scores", scores).put("byId", byId)
                .put("history", List.of(new Struct(address).put("city", "Paris").put("zip", "75001")));
        assertRoundTrip(customer, value);

        Struct withNulls = new Struct(customer).put("tags", List.of()).put("byId", Map.of());
        assertRoundTrip(customer, withNulls);

        Schema avro = toAvro.convert(customer);
        assertThat(avro.getField("scores").schema().getTypes().get(1).getType()).isEqualTo(Schema.Type.MAP);
        Schema byIdAvro = avro.getField("byId").schema();
        assertThat(byIdAvro.getType()).isEqualTo(Schema.Type.ARRAY);
        assertThat(byIdAvro.getElementType().getFields()).extracting(Schema.Field::name).containsExactly("key", "value");
    }

    @Test
    void invalidNamesAreSanitisedButTheConnectNamesSurvive() {
        org.apache.kafka.connect.data.Schema inner = SchemaBuilder.struct()
                .field("x", org.apache.kafka.connect.data.Schema.INT32_SCHEMA).build();
        org.apache.kafka.connect.data.Schema otherInner = SchemaBuilder.struct()
                .field("y", org.apache.kafka.connect.data.Schema.STRING_SCHEMA).build();
        org.apache.kafka.connect.data.Schema schema = SchemaBuilder.struct().name("my-topic.2024.Value")
                .field("order-id", org.apache.kafka.connect.data.Schema.INT64_SCHEMA)
                .field("order_id", org.apache.kafka.connect.data.Schema.INT64_SCHEMA)
                .field("1st", inner).field("second", otherInner).field("third", inner)
                .build();
        Schema avro = toAvro.convert(schema);
        assertThat(avro.getFullName()).isEqualTo("my_topic._2024.Value");
        assertThat(avro.getFields()).extracting(Schema.Field::name)
                .containsExactly("order_id", "order_id_2", "_1st", "second", "third");
        assertThat(avro.getField("second").schema().getName()).isEqualTo("ConnectDefault_2");

        Struct value = new Struct(schema).put("order-id", 1L).put("order_id", 2L)
                .put("1st", new Struct(inner).put("x", 1)).put("second", new Struct(otherInner).put("y", "b"))
                .put("third", new Struct(inner).put("x", 3));
        assertRoundTrip(schema, value);
    }

    @Test
    void twoDifferentStructsWithTheSameNameGetDistinctAvroNames() {
        org.apache.kafka.connect.data.Schema a = SchemaBuilder.struct().name("same.Name")
                .field("a", org.apache.kafka.connect.data.Schema.INT32_SCHEMA).build();
        org.apache.kafka.connect.data.Schema b = SchemaBuilder.struct().name("same.Name")
                .field("b", org.apache.kafka.connect.data.Schema.STRING_SCHEMA).build();
        org.apache.kafka.connect.data.Schema outer = SchemaBuilder.struct().field("first", a).field("second", b).build();
        Schema avro = toAvro.convert(outer);
        assertThat(avro.getField("second").schema().getFullName()).isEqualTo("same.Name_2");
        assertRoundTrip(outer, new Struct(outer).put("first", new Struct(a).put("a", 1)).put("second", new Struct(b).put("b", "x")));
    }

    @Test
    void fieldDefaultsAreCarriedAcross() {
        org.apache.kafka.connect.data.Schema schema = SchemaBuilder.struct().name("Defaults")
                .field("count", SchemaBuilder.int32().defaultValue(42).build())
                .field("small", SchemaBuilder.int16().defaultValue((short) 7).build())
                .field("label", SchemaBuilder.string().optional().defaultValue("none").build())
                .field("flag", SchemaBuilder.bool().defaultValue(true).build())
                .field("blob", SchemaBuilder.bytes().defaultValue(new byte[] {9, 8}).build())
                .field("price", Decimal.builder(2).defaultValue(new BigDecimal("1.00")).build())
                .field("day", Date.builder().defaultValue(new java.util.Date(0)).build())
                .field("list", SchemaBuilder.array(org.apache.kafka.connect.data.Schema.STRING_SCHEMA)
                        .defaultValue(List.of("a")).build())
                .build();
        Schema avro = toAvro.convert(schema);
        assertThat(avro.getField("count").defaultVal()).isEqualTo(42);
        assertThat(avro.getField("label").schema().getTypes().get(0).getType()).isEqualTo(Schema.Type.STRING);
        assertThat(avro.getField("label").defaultVal()).isEqualTo("none");

        org.apache.kafka.connect.data.Schema back = new AvroToConnectSchema().convert(new Schema.Parser().parse(avro.toString()));
        assertThat(back).isEqualTo(schema);
        // an optional column holding NULL stays NULL: a change event's NULL is not the column's default
        Struct value = new Struct(schema).put("count", 1).put("small", (short) 2).put("flag", false)
                .put("blob", new byte[] {1}).put("price", new BigDecimal("2.50")).put("day", new java.util.Date(86_400_000L))
                .put("list", List.of());
        SchemaAndValue read = roundTrip(schema, value);
        assertThat(read.value()).isEqualTo(value);
        assertThat(((Struct) read.value()).getWithoutDefault("label")).isNull();
        assertThat(read.schema().field("label").schema().defaultValue()).isEqualTo("none");
    }

    @Test
    void nullValuesStayNull() {
        assertThat(ConnectToAvroValue.convert(org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA,
                Schema.create(Schema.Type.STRING), null)).isNull();
        org.apache.kafka.connect.data.Schema optionalStruct = SchemaBuilder.struct().name("O")
                .field("a", org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA).optional().build();
        Struct empty = new Struct(optionalStruct);
        assertRoundTrip(optionalStruct, empty);
    }

    @Test
    void theOneWalkEncodingLeavesAValueThatDoesNotFitToTheGenericPathAndItsError() {
        org.apache.kafka.connect.data.Schema schema = SchemaBuilder.struct().name("Required")
                .field("n", org.apache.kafka.connect.data.Schema.INT32_SCHEMA).build();
        Schema avro = toAvro.convert(schema);
        Struct missing = new Struct(schema); // a required field never set

        assertThat(ConnectToAvroBinary.encode(1, schema, avro, missing)).isNull();
        assertThatThrownBy(() -> WireFormat.encode(1, avro, ConnectToAvroValue.convert(schema, avro, missing)))
                .hasMessageContaining("cannot encode");
        assertThat(ConnectToAvroBinary.encode(1, org.apache.kafka.connect.data.Schema.INT32_SCHEMA,
                Schema.create(Schema.Type.INT), "not a number")).isNull();
    }

    @Test
    void conversionsAreCachedByIdentity() {
        org.apache.kafka.connect.data.Schema schema = SchemaBuilder.struct().name("C")
                .field("a", org.apache.kafka.connect.data.Schema.STRING_SCHEMA).build();
        assertThat(toAvro.convert(schema)).isSameAs(toAvro.convert(schema));
        AvroToConnectSchema back = new AvroToConnectSchema();
        Schema avro = toAvro.convert(schema);
        assertThat(back.convert(avro)).isSameAs(back.convert(avro));
    }

    @Test
    void foreignAvroMapsToConnectSensibly() {
        Schema avro = new Schema.Parser().parse("""
                {"type":"record","name":"Payment","namespace":"bank","fields":[
                  {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
                  {"name":"day","type":{"type":"int","logicalType":"date"}},
                  {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
                  {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B"]}},
                  {"name":"memo","type":["null","string"],"default":null}]}""");
        org.apache.kafka.connect.data.Schema connect = new AvroToConnectSchema().convert(avro);
        assertThat(connect.name()).isEqualTo("bank.Payment");
        assertThat(connect.field("amount").schema()).isEqualTo(Decimal.builder(2)
                .parameter(ConnectAvro.DECIMAL_PRECISION, "9").build());
        assertThat(connect.field("day").schema()).isEqualTo(Date.SCHEMA);
        assertThat(connect.field("at").schema()).isEqualTo(Timestamp.SCHEMA);
        assertThat(connect.field("kind").schema()).isEqualTo(org.apache.kafka.connect.data.Schema.STRING_SCHEMA);
        assertThat(connect.field("memo").schema()).isEqualTo(org.apache.kafka.connect.data.Schema.OPTIONAL_STRING_SCHEMA);
    }

    @Test
    void unionsOfSeveralTypesAreRefusedClearly() {
        Schema avro = new Schema.Parser().parse("[\"null\",\"string\",\"long\"]");
        assertThatThrownBy(() -> new AvroToConnectSchema().convert(avro))
                .isInstanceOf(DataException.class).hasMessageContaining("more than one non-null type");
    }

    @Test
    void converterMapsNullBothWays() {
        AvroConverter converter = new AvroConverter();
        assertThat(converter.fromConnectData("t", org.apache.kafka.connect.data.Schema.STRING_SCHEMA, null)).isNull();
        assertThat(converter.toConnectData("t", null)).isSameAs(SchemaAndValue.NULL);
    }
}
