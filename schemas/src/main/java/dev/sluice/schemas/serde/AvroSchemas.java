package dev.sluice.schemas.serde;

import java.nio.ByteBuffer;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.kafka.common.errors.SerializationException;

/** The Avro schema of a value the serializer accepts: a GenericContainer's own, or a primitive's. */
final class AvroSchemas {

    private static final Schema NULL = Schema.create(Schema.Type.NULL);
    private static final Schema BOOLEAN = Schema.create(Schema.Type.BOOLEAN);
    private static final Schema INT = Schema.create(Schema.Type.INT);
    private static final Schema LONG = Schema.create(Schema.Type.LONG);
    private static final Schema FLOAT = Schema.create(Schema.Type.FLOAT);
    private static final Schema DOUBLE = Schema.create(Schema.Type.DOUBLE);
    private static final Schema STRING = Schema.create(Schema.Type.STRING);
    private static final Schema BYTES = Schema.create(Schema.Type.BYTES);

    private AvroSchemas() {
    }

    static Schema of(Object value) {
        if (value == null) {
            return NULL;
        }
        if (value instanceof GenericContainer container) {
            return container.getSchema();
        }
        if (value instanceof CharSequence) {
            return STRING;
        }
        if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return INT;
        }
        if (value instanceof Long) {
            return LONG;
        }
        if (value instanceof Boolean) {
            return BOOLEAN;
        }
        if (value instanceof Float) {
            return FLOAT;
        }
        if (value instanceof Double) {
            return DOUBLE;
        }
        if (value instanceof byte[] || value instanceof ByteBuffer) {
            return BYTES;
        }
        throw new SerializationException("cannot serialize a " + value.getClass().getName() + " as Avro; pass a"
                + " GenericRecord (or another Avro GenericContainer), a String, a number, a Boolean or bytes");
    }

    /** Avro's writer wants ints for short/byte and ByteBuffer for bytes. */
    static Object writable(Object value) {
        if (value instanceof Short s) {
            return s.intValue();
        }
        if (value instanceof Byte b) {
            return b.intValue();
        }
        if (value instanceof byte[] bytes) {
            return ByteBuffer.wrap(bytes);
        }
        return value;
    }
}
