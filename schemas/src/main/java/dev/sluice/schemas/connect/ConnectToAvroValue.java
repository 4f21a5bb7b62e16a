package dev.sluice.schemas.connect;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Connect value -> Avro generic datum, for an Avro schema made by {@link ConnectToAvroSchema} from
 * the same Connect schema. Logical values become their Avro encodings (BigDecimal -> unscaled bytes,
 * java.util.Date -> days / millis of day / epoch millis). A struct's missing value takes its field's
 * default; null stays null.
 */
public final class ConnectToAvroValue {

    private ConnectToAvroValue() {
    }

    public static Object convert(org.apache.kafka.connect.data.Schema connect, Schema avro, Object value) {
        if (value == null) {
            return null;
        }
        Schema type = AvroToConnectSchema.nonNull(avro);
        try {
            return switch (connect.type()) {
                case INT8, INT16 -> ((Number) value).intValue();
                case INT32 -> {
                    if (Date.LOGICAL_NAME.equals(connect.name()) && value instanceof java.util.Date d) {
                        yield Date.fromLogical(connect, d);
                    }
                    if (Time.LOGICAL_NAME.equals(connect.name()) && value instanceof java.util.Date d) {
                        yield Time.fromLogical(connect, d);
                    }
                    yield ((Number) value).intValue();
                }
                case INT64 -> Timestamp.LOGICAL_NAME.equals(connect.name()) && value instanceof java.util.Date d
                        ? Timestamp.fromLogical(connect, d)
                        : ((Number) value).longValue();
                case FLOAT32 -> ((Number) value).floatValue();
                case FLOAT64 -> ((Number) value).doubleValue();
                case BOOLEAN -> (Boolean) value;
                case STRING -> value.toString();
                case BYTES -> {
                    if (Decimal.LOGICAL_NAME.equals(connect.name()) && value instanceof BigDecimal d) {
                        yield ByteBuffer.wrap(Decimal.fromLogical(connect, d));
                    }
                    yield value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : (ByteBuffer) value;
                }
                case ARRAY -> {
                    Collection<?> items = (Collection<?>) value;
                    List<Object> out = new ArrayList<>(items.size());
                    for (Object item : items) {
                        out.add(convert(connect.valueSchema(), type.getElementType(), item));
                    }
                    yield out;
                }
                case MAP -> map(connect, type, (Map<?, ?>) value);
                case STRUCT -> record(connect, type, (Struct) value);
            };
        } catch (ClassCastException e) {
            throw new DataException("a " + value.getClass().getSimpleName() + " is not a valid value for Connect schema "
                    + describe(connect) + ": " + e.getMessage(), e);
        }
    }

    private static Object map(org.apache.kafka.connect.data.Schema connect, Schema type, Map<?, ?> value) {
        if (type.getType() == Schema.Type.MAP) {
            Map<String, Object> out = new LinkedHashMap<>(value.size() * 2);
            value.forEach((k, v) -> out.put(k.toString(), convert(connect.valueSchema(), type.getValueType(), v)));
            return out;
        }
        Schema entry = type.getElementType();
        Schema keySchema = entry.getFields().get(0).schema();
        Schema valueSchema = entry.getFields().get(1).schema();
        List<Object> entries = new ArrayList<>(value.size());
        value.forEach((k, v) -> {
            GenericData.Record record = new GenericData.Record(entry);
            record.put(0, convert(connect.keySchema(), keySchema, k));
            record.put(1, convert(connect.valueSchema(), valueSchema, v));
            entries.add(record);
        });
        return entries;
    }

    private static Object record(org.apache.kafka.connect.data.Schema connect, Schema type, Struct struct) {
        GenericData.Record record = new GenericData.Record(type);
        List<Schema.Field> avroFields = type.getFields();
        for (Field field : connect.fields()) {
            // An optional field keeps its NULL: Struct.get would hand out the default instead, so a column the source
            // set to NULL would arrive holding its DEFAULT. A required field falls back to its default, as Connect's.
            Object value = field.schema().isOptional() ? struct.getWithoutDefault(field.name()) : struct.get(field);
            record.put(field.index(), convert(field.schema(), avroFields.get(field.index()).schema(), value));
        }
        return record;
    }

    static String describe(org.apache.kafka.connect.data.Schema connect) {
        return connect.type() + (connect.name() == null ? "" : " " + connect.name());
    }
}
