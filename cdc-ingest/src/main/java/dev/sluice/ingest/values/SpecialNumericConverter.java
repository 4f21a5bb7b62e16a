package dev.sluice.ingest.values;

import io.debezium.data.SpecialValueDecimal;
import io.debezium.data.VariableScaleDecimal;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.math.BigDecimal;
import java.util.Properties;

/**
 * Carries PostgreSQL's {@code numeric} NaN, Infinity and -Infinity exactly, where Debezium's precise decimal mode
 * fails on them (a NullPointerException for numeric without precision, "Cannot convert special value" with one):
 * ingest would stop for good on a valid value.
 *
 * <p>Only numeric columns without precision, the only ones that can hold the infinities, are taken over; their schema
 * stays Debezium's {@code io.debezium.data.VariableScaleDecimal} (struct of {@code scale} and the unscaled
 * {@code value} bytes), so topics, registered schemas and sinks see no change for numbers. A special value is a
 * struct with an <b>empty</b> {@code value}, which no number has (zero is one byte), and {@code scale} 0 for NaN, 1
 * for Infinity, -1 for -Infinity. A reader that ignores this fails on the empty bytes instead of reading a wrong
 * number. Sluice's sink writes them back as NaN, Infinity, -Infinity.
 */
public final class SpecialNumericConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {

    /** The name this converter has in Debezium's {@code converters} setting. */
    public static final String NAME = "sluicenumeric";
    static final int NAN_SCALE = 0;
    static final int INFINITY_SCALE = 1;
    static final int NEGATIVE_INFINITY_SCALE = -1;
    /** Debezium's length of a numeric column declared without precision. */
    private static final int VARIABLE_SCALE_LENGTH = 131089;
    private static final byte[] NO_DIGITS = new byte[0];

    @Override
    public void configure(Properties props) {
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        if (!isVariableScaleNumeric(column)) {
            return; // Debezium's own conversion
        }
        SchemaBuilder schema = VariableScaleDecimal.builder();
        if (column.isOptional()) {
            schema.optional();
        }
        registration.register(schema, value -> value == null ? null : toStruct(schema, value, column.name()));
    }

    static boolean isVariableScaleNumeric(RelationalColumn column) {
        String type = column.typeName() == null ? "" : column.typeName().toLowerCase(java.util.Locale.ROOT);
        if (!type.equals("numeric") && !type.equals("decimal")) {
            return false;
        }
        int length = column.length().orElse(0);
        return (length == 0 || length == VARIABLE_SCALE_LENGTH) && column.scale().orElse(0) == 0;
    }

    static Struct toStruct(SchemaBuilder schema, Object value, String column) {
        if (value instanceof SpecialValueDecimal special) {
            return special.getDecimalValue().map(d -> number(schema, d)).orElseGet(() -> {
                double d = special.toDouble();
                return special(schema, Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
            });
        }
        if (value instanceof BigDecimal d) {
            return number(schema, d);
        }
        if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
            return special(schema, d.isNaN() ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
        }
        if (value instanceof Number n) {
            return number(schema, new BigDecimal(n.toString()));
        }
        if (value instanceof String text) {
            return switch (text) {
                case "NaN", "Infinity", "-Infinity" -> special(schema, text);
                default -> number(schema, new BigDecimal(text));
            };
        }
        throw new DataException("Column " + column + ": a numeric value of type " + value.getClass().getName()
                + " cannot be converted.");
    }

    private static Struct number(SchemaBuilder schema, BigDecimal d) {
        return new Struct(schema.build())
                .put(VariableScaleDecimal.SCALE_FIELD, d.scale())
                .put(VariableScaleDecimal.VALUE_FIELD, d.unscaledValue().toByteArray());
    }

    private static Struct special(SchemaBuilder schema, String text) {
        int scale = switch (text) {
            case "NaN" -> NAN_SCALE;
            case "Infinity" -> INFINITY_SCALE;
            case "-Infinity" -> NEGATIVE_INFINITY_SCALE;
            default -> throw new DataException("'" + text + "' is not a special numeric value");
        };
        return new Struct(schema.build()).put(VariableScaleDecimal.SCALE_FIELD, scale).put(VariableScaleDecimal.VALUE_FIELD, NO_DIGITS);
    }
}
