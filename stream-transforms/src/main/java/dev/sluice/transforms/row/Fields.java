package dev.sluice.transforms.row;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import org.apache.avro.Conversions;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Reading a top-level field of a row the way a rule means it: as text, or as a number (Avro ints, longs,
 * floats, doubles and Connect/Avro decimals alike). Fails with {@link IllegalArgumentException} naming the
 * field and the record when the field does not exist, since a rule on a missing column is a spec mistake.
 */
public final class Fields {

    private static final Conversions.DecimalConversion DECIMALS = new Conversions.DecimalConversion();

    private Fields() {
    }

    public static Schema.Field field(GenericRecord record, String name, String step) {
        Schema.Field field = record.getSchema().getField(name);
        if (field == null) {
            throw new IllegalArgumentException("Step '" + step + "' names field '" + name + "', which "
                    + record.getSchema().getFullName() + " does not have; fix the field name in the pipeline spec.");
        }
        return field;
    }

    /** The value as text (strings, enums, numbers, booleans as written), or null. */
    public static String text(GenericRecord record, String name, String step) {
        Schema.Field field = field(record, name, step);
        Object value = record.get(field.pos());
        if (value == null) {
            return null;
        }
        BigDecimal number = decimal(value, field.schema());
        return number != null ? number.toPlainString() : value.toString();
    }

    /** The value as a number, or null when it is null or not numeric. */
    public static BigDecimal number(GenericRecord record, String name, String step) {
        Schema.Field field = field(record, name, step);
        Object value = record.get(field.pos());
        if (value instanceof Integer || value instanceof Long) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof Float || value instanceof Double) {
            return BigDecimal.valueOf(((Number) value).doubleValue());
        }
        return value == null ? null : decimal(value, field.schema());
    }

    private static BigDecimal decimal(Object value, Schema schema) {
        Schema branch = nonNull(schema);
        LogicalType logical = branch.getLogicalType();
        if (value instanceof ByteBuffer bytes && logical instanceof LogicalTypes.Decimal decimal) {
            return DECIMALS.fromBytes(bytes.duplicate(), branch, decimal);
        }
        return null;
    }

    /** The non-null branch of an optional schema, or the schema itself. */
    public static Schema nonNull(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() != Schema.Type.NULL) {
                    return branch;
                }
            }
        }
        return schema;
    }

    public static boolean isNullable(Schema schema) {
        return schema.getType() == Schema.Type.NULL || (schema.getType() == Schema.Type.UNION
                && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.NULL));
    }
}
