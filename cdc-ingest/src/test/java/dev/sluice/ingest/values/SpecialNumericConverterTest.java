package dev.sluice.ingest.values;

import io.debezium.data.SpecialValueDecimal;
import io.debezium.data.VariableScaleDecimal;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Types;
import java.util.OptionalInt;

import static org.assertj.core.api.Assertions.assertThat;

/** numeric without precision keeps Debezium's schema and its numbers; NaN and the infinities get empty digits. */
class SpecialNumericConverterTest {

    @Test
    void numericWithoutPrecisionKeepsDebeziumsSchemaAndCarriesTheSpecialValues() {
        Registration r = register(column("numeric", 0, 0));
        assertThat(r.schema.name()).isEqualTo(VariableScaleDecimal.LOGICAL_NAME);
        assertThat(r.schema.build().isOptional()).isTrue();

        Struct number = (Struct) r.converter.convert(new SpecialValueDecimal(new BigDecimal("-12.340")));
        assertThat(VariableScaleDecimal.toLogical(number).getDecimalValue()).contains(new BigDecimal("-12.340"));
        assertThat(special(r.converter.convert(SpecialValueDecimal.NOT_A_NUMBER))).isEqualTo(0);
        assertThat(special(r.converter.convert(SpecialValueDecimal.POSITIVE_INF))).isEqualTo(1);
        assertThat(special(r.converter.convert(SpecialValueDecimal.NEGATIVE_INF))).isEqualTo(-1);
        assertThat(special(r.converter.convert("NaN"))).isEqualTo(0);
        assertThat(special(r.converter.convert(Double.NEGATIVE_INFINITY))).isEqualTo(-1);
        assertThat(r.converter.convert(null)).isNull();
        // zero is one byte, never the empty special form
        assertThat(((Struct) r.converter.convert(BigDecimal.ZERO)).getBytes("value")).hasSize(1);
    }

    @Test
    void numericWithPrecisionKeepsDebeziumsDecimalAndMarksNaN() {
        Registration r = register(column("numeric", 10, 2));
        assertThat(r.schema.build()).isEqualTo(io.debezium.data.SpecialValueDecimal.builder(
                io.debezium.jdbc.JdbcValueConverters.DecimalMode.PRECISE, 10, 2).optional().build());
        assertThat(r.converter.convert(new SpecialValueDecimal(new BigDecimal("1.5")))).isEqualTo(new BigDecimal("1.50"));
        assertThat(r.converter.convert(new BigDecimal("-3.25"))).isEqualTo(new BigDecimal("-3.25"));
        assertThat(r.converter.convert(SpecialValueDecimal.NOT_A_NUMBER)).isSameAs(SpecialNumericConverter.NAN);
        // the marker never encodes as a number: its scale is no column's
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> org.apache.kafka.connect.data.Decimal.fromLogical(
                r.schema.build(), SpecialNumericConverter.NAN)).isInstanceOf(org.apache.kafka.connect.errors.DataException.class);
    }

    @Test
    void theMarkerIsFoundInTheRowImagesByIdentity() {
        Schema row = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA)
                .field("price", org.apache.kafka.connect.data.Decimal.builder(2).optional().build()).optional().build();
        Schema envelope = SchemaBuilder.struct().field("before", row).field("after", row).build();
        Struct nan = new Struct(row).put("id", 1).put("price", SpecialNumericConverter.NAN);
        Struct zero = new Struct(row).put("id", 1).put("price", new BigDecimal("0.00"));
        assertThat(SpecialNumericConverter.nanColumns(new Struct(envelope).put("after", nan))).containsExactly("price");
        assertThat(SpecialNumericConverter.nanColumns(new Struct(envelope).put("before", nan).put("after", zero)))
                .containsExactly("price");
        assertThat(SpecialNumericConverter.nanColumns(new Struct(envelope).put("after", zero))).isEmpty();
    }

    @Test
    void aRequiredColumnTheSourceDidNotSendIsZeroAsInDebezium() {
        // a delete's old row holds only the key under the default replica identity
        Registration fixed = register(column("numeric", 10, 2, false));
        assertThat(fixed.converter.convert(null)).isEqualTo(new BigDecimal("0.00"));
        Registration free = register(column("numeric", 0, 0, false));
        assertThat(VariableScaleDecimal.toLogical((Struct) free.converter.convert(null)).getDecimalValue())
                .contains(BigDecimal.ZERO);
        assertThat(register(column("numeric", 10, 2)).converter.convert(null)).isNull();
    }

    @Test
    void otherTypesAreLeftToDebezium() {
        assertThat(register(column("int4", 10, 0)).schema).isNull();
        assertThat(register(column("numeric", 131089, 0)).schema.name()).isEqualTo(VariableScaleDecimal.LOGICAL_NAME);
    }

    private static Integer special(Object converted) {
        Struct s = (Struct) converted;
        assertThat(s.getBytes("value")).isEmpty();
        return s.getInt32("scale");
    }

    private static Registration register(RelationalColumn column) {
        Registration r = new Registration();
        new SpecialNumericConverter().converterFor(column, r);
        return r;
    }

    private static final class Registration implements CustomConverter.ConverterRegistration<SchemaBuilder> {
        SchemaBuilder schema;
        CustomConverter.Converter converter;

        @Override
        public void register(SchemaBuilder fieldSchema, CustomConverter.Converter converter) {
            this.schema = fieldSchema;
            this.converter = converter;
        }
    }

    private static RelationalColumn column(String type, int length, int scale) {
        return column(type, length, scale, true);
    }

    private static RelationalColumn column(String type, int length, int scale, boolean optional) {
        return new RelationalColumn() {
            @Override public int jdbcType() { return Types.NUMERIC; }
            @Override public int nativeType() { return 1700; }
            @Override public String typeName() { return type; }
            @Override public String typeExpression() { return type; }
            @Override public OptionalInt length() { return OptionalInt.of(length); }
            @Override public OptionalInt scale() { return OptionalInt.of(scale); }
            @Override public boolean isOptional() { return optional; }
            @Override public Object defaultValue() { return null; }
            @Override public boolean hasDefaultValue() { return false; }
            @Override public String name() { return "amount"; }
            @Override public String dataCollection() { return "public.t"; }
        };
    }
}
