package dev.sluice.sink.dialect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.sink.dialect.ColumnType.Kind;
import dev.sluice.sink.dialect.duckdb.DuckDbDialect;
import dev.sluice.sink.dialect.postgres.PostgresDialect;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class ColumnTypesTest {
    private final Dialect pg = new PostgresDialect();
    private final Dialect duck = new DuckDbDialect();

    private static Schema named(Schema.Type type, String name) {
        return new SchemaBuilder(type).name(name).optional().build();
    }

    private String both(Schema schema) {
        ColumnType type = ColumnTypes.of("c", schema);
        return pg.sqlType(type) + " / " + duck.sqlType(type);
    }

    @Test
    void primitivesMapByType() {
        assertThat(both(Schema.INT8_SCHEMA)).isEqualTo("SMALLINT / SMALLINT");
        assertThat(both(Schema.INT16_SCHEMA)).isEqualTo("SMALLINT / SMALLINT");
        assertThat(both(Schema.INT32_SCHEMA)).isEqualTo("INTEGER / INTEGER");
        assertThat(both(Schema.INT64_SCHEMA)).isEqualTo("BIGINT / BIGINT");
        assertThat(both(Schema.FLOAT32_SCHEMA)).isEqualTo("REAL / REAL");
        assertThat(both(Schema.FLOAT64_SCHEMA)).isEqualTo("DOUBLE PRECISION / DOUBLE");
        assertThat(both(Schema.BOOLEAN_SCHEMA)).isEqualTo("BOOLEAN / BOOLEAN");
        assertThat(both(Schema.STRING_SCHEMA)).isEqualTo("TEXT / VARCHAR");
        assertThat(both(Schema.BYTES_SCHEMA)).isEqualTo("BYTEA / BLOB");
    }

    @Test
    void aSourceTypeTagGivesPostgreSqlTheSourcesTypeAndDuckDbTheNearest() {
        assertThat(both(tagged(SchemaBuilder.string(), "BIT", "5"))).isEqualTo("BIT(5) / BIT");
        assertThat(both(tagged(SchemaBuilder.string(), "VARBIT", "16"))).isEqualTo("VARBIT(16) / VARCHAR");
        assertThat(both(tagged(SchemaBuilder.string(), "VARBIT", "2147483647"))).isEqualTo("VARBIT / VARCHAR");
        assertThat(both(tagged(SchemaBuilder.string(), "INT4RANGE", "10"))).isEqualTo("INT4RANGE / VARCHAR");
        assertThat(both(tagged(SchemaBuilder.string(), "TSTZRANGE", "2147483647"))).isEqualTo("TSTZRANGE / VARCHAR");
        assertThat(both(tagged(SchemaBuilder.string().name(ColumnTypes.DBZ_JSON), "JSON", "2147483647"))).isEqualTo("JSON / JSON");
        assertThat(both(tagged(SchemaBuilder.string().name(ColumnTypes.DBZ_JSON), "JSONB", "2147483647"))).isEqualTo("JSONB / JSON");
        assertThat(both(tagged(Decimal.builder(2), "MONEY", "2147483647"))).isEqualTo("NUMERIC(19, 2) / DECIMAL(19, 2)");
        // a name that reaches DDL only when it is one of the known types; a tag on bytes (Debezium's own Bits) is ignored
        assertThat(both(tagged(SchemaBuilder.string(), "MOOD); DROP TABLE x; --", "4"))).isEqualTo("TEXT / VARCHAR");
        assertThat(both(tagged(SchemaBuilder.bytes(), "BIT", "5"))).isEqualTo("BYTEA / BLOB");
    }

    @Test
    void theEmptyTextDebeziumGivesAnAbsentRequiredColumnIsNullUnlessItIsAnEmptyVarbit() {
        assertThat(convert(tagged(SchemaBuilder.string(), "INT4RANGE", "10"), "")).isNull();
        assertThat(convert(tagged(SchemaBuilder.string(), "BIT", "5"), "")).isNull();
        assertThat(convert(tagged(SchemaBuilder.string(), "VARBIT", "16"), "")).isEqualTo("");
        assertThat(convert(tagged(SchemaBuilder.string(), "INT4RANGE", "10"), "[1,2)")).isEqualTo("[1,2)");
    }

    @Test
    void jsonAndJsonbStoredInPostgreSqlStayApartWhileDuckDbSpellsBothJson() {
        assertThat(ColumnTypes.stored("json", null, null)).isEqualTo(ColumnType.sourceText("JSON"));
        assertThat(ColumnTypes.stored("jsonb", null, null)).isEqualTo(ColumnType.sourceText("JSONB"));
        assertThat(duck.sqlType(ColumnTypes.stored("JSON", null, null))).isEqualTo(duck.sqlType(ColumnType.of(Kind.JSON)));
        // json without a source-type tag (another producer, an older ingest) leaves a json or jsonb column as it is
        assertThat(ColumnTypes.widened(ColumnTypes.stored("json", null, null), ColumnType.of(Kind.JSON))).isNull();
        assertThat(ColumnTypes.widened(ColumnTypes.stored("jsonb", null, null), ColumnType.sourceText("JSON")))
                .isEqualTo(ColumnType.sourceText("JSON"));
    }

    private static Schema tagged(SchemaBuilder builder, String type, String length) {
        return builder.parameter(SourceTypes.TYPE, type).parameter(SourceTypes.LENGTH, length).optional().build();
    }

    @Test
    void decimalKeepsPrecisionAndScaleUpTo38DigitsInDuckDb() {
        Schema d = Decimal.builder(2).parameter(ColumnTypes.DECIMAL_PRECISION, "10").build();
        assertThat(both(d)).isEqualTo("NUMERIC(10, 2) / DECIMAL(10, 2)");
        Schema wide = Decimal.builder(2).parameter(ColumnTypes.DECIMAL_PRECISION, "50").build();
        assertThat(both(wide)).isEqualTo("NUMERIC(50, 2) / VARCHAR");
        assertThat(both(Decimal.schema(3))).isEqualTo("NUMERIC / VARCHAR");
    }

    @Test
    void debeziumSemanticTypesMapByName() {
        assertThat(both(named(Schema.Type.INT32, ColumnTypes.DBZ_DATE))).isEqualTo("DATE / DATE");
        assertThat(both(named(Schema.Type.INT64, ColumnTypes.DBZ_TIMESTAMP))).isEqualTo("TIMESTAMP / TIMESTAMP");
        assertThat(both(named(Schema.Type.INT64, ColumnTypes.DBZ_MICRO_TIMESTAMP))).isEqualTo("TIMESTAMP / TIMESTAMP");
        assertThat(both(named(Schema.Type.INT64, ColumnTypes.DBZ_NANO_TIMESTAMP))).isEqualTo("TIMESTAMP / TIMESTAMP");
        assertThat(both(named(Schema.Type.STRING, ColumnTypes.DBZ_ZONED_TIMESTAMP))).isEqualTo("TIMESTAMPTZ / TIMESTAMPTZ");
        assertThat(both(named(Schema.Type.INT32, ColumnTypes.DBZ_TIME))).isEqualTo("TIME / TIME");
        assertThat(both(named(Schema.Type.INT64, ColumnTypes.DBZ_MICRO_TIME))).isEqualTo("TIME / TIME");
        assertThat(both(named(Schema.Type.STRING, ColumnTypes.DBZ_UUID))).isEqualTo("UUID / UUID");
        assertThat(both(named(Schema.Type.STRING, ColumnTypes.DBZ_JSON))).isEqualTo("JSONB / JSON");
        assertThat(both(variableScaleDecimal())).isEqualTo("NUMERIC / VARCHAR");
        assertThat(both(named(Schema.Type.STRING, ColumnTypes.DBZ_ZONED_TIME))).isEqualTo("TIMETZ / TIMETZ");
        assertThat(both(named(Schema.Type.INT64, ColumnTypes.DBZ_MICRO_DURATION))).isEqualTo("INTERVAL / INTERVAL");
        assertThat(both(named(Schema.Type.STRING, ColumnTypes.DBZ_INTERVAL))).isEqualTo("INTERVAL / INTERVAL");
    }

    @Test
    void connectLogicalTypesMapByName() {
        assertThat(both(Date.SCHEMA)).isEqualTo("DATE / DATE");
        assertThat(both(org.apache.kafka.connect.data.Time.SCHEMA)).isEqualTo("TIME / TIME");
        assertThat(both(Timestamp.SCHEMA)).isEqualTo("TIMESTAMP / TIMESTAMP");
    }

    @Test
    void nestedTypesAreRejectedNamingTheColumn() {
        Schema nested = SchemaBuilder.array(SchemaBuilder.array(Schema.STRING_SCHEMA).build()).build();
        assertThatThrownBy(() -> ColumnTypes.of("tags", nested))
                .isInstanceOf(DataException.class).hasMessageContaining("'tags'").hasMessageContaining("array of arrays");
        assertThatThrownBy(() -> ColumnTypes.of("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build()))
                .isInstanceOf(DataException.class).hasMessageContaining("'attrs'").hasMessageContaining("MAP");
    }

    @Test
    void arraysOfScalarsMapToArrayColumns() {
        assertThat(both(SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())).isEqualTo("TEXT[] / VARCHAR[]");
        assertThat(both(SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).build())).isEqualTo("INTEGER[] / INTEGER[]");
        Schema texts = SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build();
        assertThat(convert(texts, java.util.Arrays.asList("a", null))).isEqualTo(java.util.Arrays.asList("a", null));
    }

    @Test
    void intervalsBecomeTextBothWarehousesParse() {
        // Debezium's numeric mode: microseconds only (months already counted as 30.4375 days)
        assertThat(convert(named(Schema.Type.INT64, ColumnTypes.DBZ_MICRO_DURATION), -37_091_106_789_000L))
                .isEqualTo("0 months 0 days -10303:05:06.789000");
        // Debezium's string mode keeps months and days apart
        assertThat(convert(named(Schema.Type.STRING, ColumnTypes.DBZ_INTERVAL), "P1Y2M3DT4H5M6.78S"))
                .isEqualTo("14 months 3 days 4:05:06.780000");
        assertThat(convert(named(Schema.Type.STRING, ColumnTypes.DBZ_INTERVAL), "P-1M"))
                .isEqualTo("-1 months 0 days 0:00:00.000000");
        assertThat(convert(named(Schema.Type.STRING, ColumnTypes.DBZ_ZONED_TIME), "11:45:30.5Z"))
                .isEqualTo(java.time.OffsetTime.parse("11:45:30.5Z"));
    }

    @Test
    void valuesConvertToJdbcObjects() {
        assertThat(convert(named(Schema.Type.INT32, ColumnTypes.DBZ_DATE), 19_000)).isEqualTo(LocalDate.ofEpochDay(19_000));
        assertThat(convert(named(Schema.Type.INT64, ColumnTypes.DBZ_MICRO_TIMESTAMP), 1_700_000_000_123_456L))
                .isEqualTo(LocalDateTime.of(2023, 11, 14, 22, 13, 20, 123_456_000));
        assertThat(convert(named(Schema.Type.INT64, ColumnTypes.DBZ_TIMESTAMP), 1_700_000_000_123L))
                .isEqualTo(LocalDateTime.of(2023, 11, 14, 22, 13, 20, 123_000_000));
        assertThat(convert(named(Schema.Type.INT64, ColumnTypes.DBZ_MICRO_TIME), 3_723_000_001L))
                .isEqualTo(LocalTime.of(1, 2, 3, 1_000));
        assertThat(convert(named(Schema.Type.STRING, ColumnTypes.DBZ_ZONED_TIMESTAMP), "2024-01-02T03:04:05.5+02:00"))
                .isEqualTo(OffsetDateTime.parse("2024-01-02T03:04:05.5+02:00"));
        UUID id = UUID.randomUUID();
        assertThat(convert(named(Schema.Type.STRING, ColumnTypes.DBZ_UUID), id.toString())).isEqualTo(id);
        assertThat(convert(Schema.INT8_SCHEMA, (byte) 7)).isEqualTo((short) 7);
        assertThat(convert(Schema.BYTES_SCHEMA, ByteBuffer.wrap(new byte[] {1, 2}))).isEqualTo(new byte[] {1, 2});
        assertThat(convert(Date.SCHEMA, new java.util.Date(86_400_000L))).isEqualTo(LocalDate.ofEpochDay(1));
        Struct vsd = new Struct(variableScaleDecimal()).put("scale", 3).put("value", BigInteger.valueOf(12345).toByteArray());
        assertThat(convert(variableScaleDecimal(), vsd)).isEqualTo(new BigDecimal("12.345"));
        assertThat(convert(Schema.OPTIONAL_STRING_SCHEMA, null)).isNull();
    }

    private static Object convert(Schema schema, Object value) {
        return JdbcValues.toJdbc("c", schema, ColumnTypes.of("c", schema), value);
    }

    private static Schema variableScaleDecimal() {
        return SchemaBuilder.struct().name(ColumnTypes.DBZ_VARIABLE_SCALE_DECIMAL)
                .field("scale", Schema.INT32_SCHEMA).field("value", Schema.BYTES_SCHEMA).optional().build();
    }

    @Test
    void kindsCarryANullType() {
        assertThat(ColumnType.of(Kind.TEXT).kind().jdbcType()).isEqualTo(java.sql.Types.VARCHAR);
    }
}
