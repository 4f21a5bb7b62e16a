package dev.sluice.schemas.connect;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Avro generic datum -> Connect value, for a Connect schema made by {@link AvroToConnectSchema}
 * from the same Avro schema. Accepts what Avro's generic reader returns (Utf8, ByteBuffer,
 * GenericRecord, GenericFixed, enum symbols) and the plain objects of Avro field defaults (String,
 * byte[], Map for records). Null stays null.
 */
public final class AvroToConnectValue {

    private AvroToConnectValue() {
    }

    public static Object convert(Schema avro, org.apache.kafka.connect.data.Schema connect, Object value) {
        if (value == null) {
            return null;
        }
        Schema type = AvroToConnectSchema.nonNull(avro);
        try {
            return switch (connect.type()) {
                case INT8 -> ((Number) value).byteValue();
                case INT16 -> ((Number) value).shortValue();
                case INT32 -> {
                    int number = ((Number) value).intValue();
                    if (Date.LOGICAL_NAME.equals(connect.name())) {
                        yield Date.toLogical(connect, number);
                    }
                    yield Time.LOGICAL_NAME.equals(connect.name()) ? Time.toLogical(connect, number) : number;
                }
                case INT64 -> Timestamp.LOGICAL_NAME.equals(connect.name())
                        ? Timestamp.toLogical(connect, ((Number) value).longValue())
                        : ((Number) value).longValue();
                case FLOAT32 -> ((Number) value).floatValue();
                case FLOAT64 -> ((Number) value).doubleValue();
                case BOOLEAN -> (Boolean) value;
                case STRING -> value.toString();
                case BYTES -> {
                    byte[] bytes = bytes(value);
                    yield Decimal.LOGICAL_NAME.equals(connect.name()) ? Decimal.toLogical(connect, bytes) : bytes;
                }
                case ARRAY -> {
                    Collection<?> items = (Collection<?>) value;
                    List<Object> out = new ArrayList<>(items.size());
                    for (Object item : items) {
                        out.add(convert(type.getElementType(), connect.valueSchema(), item));
                    }
                    yield out;
                }
                case MAP -> map(type, connect, value);
                case STRUCT -> struct(type, connect, value);
            };
        } catch (ClassCastException e) {
            throw new DataException("Avro value of class " + value.getClass().getSimpleName() + " does not fit Connect schema "
                    + ConnectToAvroValue.describe(connect) + ": " + e.getMessage(), e);
        }
    }

    private static Map<Object, Object> map(Schema type, org.apache.kafka.connect.data.Schema connect, Object value) {
        Map<Object, Object> out = new LinkedHashMap<>();
        if (type.getType() == Schema.Type.MAP) {
            ((Map<?, ?>) value).forEach((k, v) ->
                    out.put(k.toString(), convert(type.getValueType(), connect.valueSchema(), v)));
            return out;
        }
        Schema entry = type.getElementType();
        Schema.Field keyField = entry.getFields().get(0);
        Schema.Field valueField = entry.getFields().get(1);
        for (Object item : (Collection<?>) value) {
            out.put(convert(keyField.schema(), connect.keySchema(), get(item, keyField)),
                    convert(valueField.schema(), connect.valueSchema(), get(item, valueField)));
        }
        return out;
    }

    private static Struct struct(Schema type, org.apache.kafka.connect.data.Schema connect, Object value) {
        Struct struct = new Struct(connect);
        List<Schema.Field> avroFields = type.getFields();
        for (Field field : connect.fields()) {
            Schema.Field avroField = avroFields.get(field.index());
            struct.put(field, convert(avroField.schema(), field.schema(), get(value, avroField)));
        }
        return struct;
    }

    /** A record's field: from a GenericRecord, or from the Map an Avro default gives for a record. */
    private static Object get(Object record, Schema.Field field) {
        if (record instanceof GenericRecord generic) {
            return generic.get(field.pos());
        }
        return ((Map<?, ?>) record).get(field.name());
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        if (value instanceof GenericFixed fixed) {
            return fixed.bytes();
        }
        if (value instanceof CharSequence text) {
            return text.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        }
        throw new DataException("Avro value of class " + value.getClass().getSimpleName() + " is not bytes");
    }
}
