package dev.sluice.ingest.values;

import io.debezium.data.SpecialValueDecimal;
import io.debezium.data.VariableScaleDecimal;
import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Supplier;

/**
 * Carries PostgreSQL's {@code numeric} NaN, Infinity and -Infinity exactly, where Debezium's precise decimal mode
 * fails on them (a NullPointerException for numeric without precision, "Cannot convert special value" with one):
 * ingest would stop for good on a valid value.
 *
 * <p>numeric columns without precision (the only ones that can hold the infinities) keep Debezium's schema {@code io.debezium.data.VariableScaleDecimal} (struct of {@code scale} and the unscaled
 * {@code value} bytes), so topics, registered schemas and sinks see no change for numbers. A special value is a
 * struct with an <b>empty</b> {@code value}, which no number has (zero is one byte), and {@code scale} 0 for NaN, 1
 * for Infinity, -1 for -Infinity. A reader that ignores this fails on the empty bytes instead of reading a wrong
 * number. Sluice's sink writes them back as NaN, Infinity, -Infinity.
 *
 * <p>numeric(p,s) columns keep Debezium's Decimal schema and values too. Their one special value, NaN, has no
 * Decimal form: it becomes the marker {@link #NAN}, and the publisher sends that change to the ingest dead-letter
 * topic with a sentence saying so instead of publishing it.
 */
public final class SpecialNumericConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {

    /** The name this converter has in Debezium's {@code converters} setting. */
    public static final String NAME = "sluicenumeric";
    static final int NAN_SCALE = 0;
    static final int INFINITY_SCALE = 1;
    static final int NEGATIVE_INFINITY_SCALE = -1;
    /**
     * A numeric(p,s) NaN, compared by identity: Connect's Decimal has no NaN, so the change holding it cannot be
     * published; the publisher finds this instance in the row ({@link #nanColumns}) and dead-letters the change.
     * Its scale matches no column's, so Connect's Decimal refuses to encode it anywhere else (never a silent 0).
     */
    public static final BigDecimal NAN = new BigDecimal(java.math.BigInteger.ZERO, Integer.MIN_VALUE + 1);
    private static final String PRECISION_PARAMETER = "connect.decimal.precision";
    /** Debezium's length of a numeric column declared without precision. */
    private static final int VARIABLE_SCALE_LENGTH = 131089;
    private static final byte[] NO_DIGITS = new byte[0];

    @Override
    public void configure(Properties props) {
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        if (isVariableScaleNumeric(column)) {
            SchemaBuilder schema = VariableScaleDecimal.builder();
            if (column.isOptional()) {
                schema.optional();
            }
            registration.register(schema, value -> value != null ? toStruct(schema, value, column.name())
                    : absent(column, schema, () -> number(schema, BigDecimal.ZERO)));
        } else if (isNumeric(column)) {
            // Debezium's own schema for numeric(p,s) in precise mode
            int scale = column.scale().orElse(0);
            SchemaBuilder schema = Decimal.builder(scale).parameter(PRECISION_PARAMETER,
                    Integer.toString(column.length().orElse(0)));
            if (column.isOptional()) {
                schema.optional();
            }
            registration.register(schema, value -> value != null ? toDecimal(value, scale, column.name())
                    : absent(column, schema, () -> BigDecimal.ZERO.setScale(scale)));
        }
    }

    /**
     * A value the source did not send: null for an optional column; for a required one (a delete's old row holds
     * only the key under the default replica identity) the schema's default, else zero, as Debezium does.
     */
    private static Object absent(RelationalColumn column, SchemaBuilder schema, Supplier<Object> zero) {
        if (column.isOptional()) {
            return null;
        }
        return schema.defaultValue() != null ? schema.defaultValue() : zero.get();
    }

    /**
     * Whether {@code value} (a change event's value) holds a NaN of a numeric(p,s) column ({@link #NAN}) in its
     * {@code before} or {@code after} row; the names of those columns, empty when none.
     */
    public static List<String> nanColumns(Object value) {
        List<String> columns = new ArrayList<>();
        if (value instanceof Struct envelope) {
            for (String image : List.of("after", "before")) {
                Field field = envelope.schema().field(image);
                Object row = field == null ? null : envelope.get(field);
                if (row instanceof Struct struct) {
                    for (Field f : struct.schema().fields()) {
                        if (struct.get(f) == NAN && !columns.contains(f.name())) {
                            columns.add(f.name());
                        }
                    }
                }
            }
        }
        return columns;
    }

    static BigDecimal toDecimal(Object value, int scale, String column) {
        BigDecimal d;
        if (value instanceof SpecialValueDecimal special) {
            Optional<BigDecimal> number = special.getDecimalValue();
            if (number.isEmpty()) {
                return NAN; // numeric(p,s) holds no infinity: NaN is the only special value it takes
            }
            d = number.get();
        } else if (value instanceof BigDecimal b) {
            d = b;
        } else if (value instanceof Double x && x.isNaN()) {
            return NAN;
        } else if (value instanceof Number n) {
            d = new BigDecimal(n.toString());
        } else if (value instanceof String text) {
            if (text.equals("NaN")) {
                return NAN;
            }
            d = new BigDecimal(text);
        } else {
            throw new DataException("Column " + column + ": a numeric value of type " + value.getClass().getName()
                    + " cannot be converted.");
        }
        // as Debezium does: PostgreSQL writes a numeric(p,s) with s digits, the driver may drop trailing zeros
        return d.scale() < scale ? d.setScale(scale) : d;
    }

    private static boolean isNumeric(RelationalColumn column) {
        String type = column.typeName() == null ? "" : column.typeName().toLowerCase(java.util.Locale.ROOT);
        return type.equals("numeric") || type.equals("decimal");
    }

    static boolean isVariableScaleNumeric(RelationalColumn column) {
        if (!isNumeric(column)) {
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
