package dev.sluice.schemas.connect;

import dev.sluice.schemas.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * Connect value -> framed Avro binary in one walk, for an Avro schema made by {@link ConnectToAvroSchema}: the same
 * bytes as {@link ConnectToAvroValue} followed by {@link WireFormat#encode}, without the intermediate tree of
 * {@code GenericData.Record}s and the generic writer's dispatch over it. That pair was 58% of ingest's publisher
 * thread at 5,000 changes/s, more than Debezium's own thread. Only the shapes {@link ConnectToAvroSchema} makes are
 * written here; anything else (and any value that does not fit its schema) returns null, and the caller takes the
 * generic path, which gives the usual error.
 */
public final class ConnectToAvroBinary {

    private static final EncoderFactory ENCODERS = EncoderFactory.get();

    private ConnectToAvroBinary() {
    }

    /** The framed bytes, or null when this writer does not handle the value (the generic path must then run). */
    public static byte[] encode(int schemaId, org.apache.kafka.connect.data.Schema connect, Schema avro, Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(WireFormat.MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
        try {
            BinaryEncoder encoder = ENCODERS.directBinaryEncoder(out, null);
            write(connect, avro, value, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException | Unsupported e) {
            return null;
        }
        return out.toByteArray();
    }

    /** This writer does not know the shape; the generic path will. */
    private static final class Unsupported extends Exception {
        private static final Unsupported INSTANCE = new Unsupported();

        private Unsupported() {
            super(null, null, false, false);
        }
    }

    private static void write(org.apache.kafka.connect.data.Schema connect, Schema avro, Object value, BinaryEncoder out)
            throws IOException, Unsupported {
        Schema type = avro;
        if (avro.getType() == Schema.Type.UNION) {
            List<Schema> branches = avro.getTypes();
            if (branches.size() != 2) {
                throw Unsupported.INSTANCE;
            }
            int nullBranch = branches.get(0).getType() == Schema.Type.NULL ? 0
                    : branches.get(1).getType() == Schema.Type.NULL ? 1 : -1;
            if (nullBranch < 0) {
                throw Unsupported.INSTANCE;
            }
            int branch = value == null ? nullBranch : 1 - nullBranch;
            out.writeIndex(branch);
            if (value == null) {
                return;
            }
            type = branches.get(branch);
        } else if (value == null) {
            throw Unsupported.INSTANCE; // a null for a required field: the generic path names it
        }
        switch (connect.type()) {
            case INT8, INT16 -> out.writeInt(((Number) value).intValue());
            case INT32 -> {
                if (Date.LOGICAL_NAME.equals(connect.name()) && value instanceof java.util.Date d) {
                    out.writeInt(Date.fromLogical(connect, d));
                } else if (Time.LOGICAL_NAME.equals(connect.name()) && value instanceof java.util.Date d) {
                    out.writeInt(Time.fromLogical(connect, d));
                } else {
                    out.writeInt(((Number) value).intValue());
                }
            }
            case INT64 -> out.writeLong(Timestamp.LOGICAL_NAME.equals(connect.name()) && value instanceof java.util.Date d
                    ? Timestamp.fromLogical(connect, d) : ((Number) value).longValue());
            case FLOAT32 -> out.writeFloat(((Number) value).floatValue());
            case FLOAT64 -> out.writeDouble(((Number) value).doubleValue());
            case BOOLEAN -> out.writeBoolean((Boolean) value);
            case STRING -> out.writeString(value.toString());
            case BYTES -> {
                if (Decimal.LOGICAL_NAME.equals(connect.name()) && value instanceof BigDecimal d) {
                    out.writeBytes(Decimal.fromLogical(connect, d));
                } else if (value instanceof byte[] bytes) {
                    out.writeBytes(bytes);
                } else {
                    out.writeBytes((ByteBuffer) value);
                }
            }
            case ARRAY -> {
                if (type.getType() != Schema.Type.ARRAY) {
                    throw Unsupported.INSTANCE;
                }
                Collection<?> items = (Collection<?>) value;
                out.writeArrayStart();
                out.setItemCount(items.size());
                for (Object item : items) {
                    out.startItem();
                    write(connect.valueSchema(), type.getElementType(), item, out);
                }
                out.writeArrayEnd();
            }
            case MAP -> map(connect, type, (Map<?, ?>) value, out);
            case STRUCT -> {
                if (type.getType() != Schema.Type.RECORD) {
                    throw Unsupported.INSTANCE;
                }
                Struct struct = (Struct) value;
                List<Schema.Field> avroFields = type.getFields();
                for (Field field : connect.fields()) {
                    // as ConnectToAvroValue: an optional field keeps its NULL, a required one falls back to its default
                    Object fieldValue = field.schema().isOptional() ? struct.getWithoutDefault(field.name()) : struct.get(field);
                    write(field.schema(), avroFields.get(field.index()).schema(), fieldValue, out);
                }
            }
            default -> throw Unsupported.INSTANCE;
        }
    }

    /** A string-keyed map as an Avro map, any other as an array of key/value records (see ConnectToAvroSchema). */
    private static void map(org.apache.kafka.connect.data.Schema connect, Schema type, Map<?, ?> value, BinaryEncoder out)
            throws IOException, Unsupported {
        if (type.getType() == Schema.Type.MAP) {
            out.writeMapStart();
            out.setItemCount(value.size());
            for (Map.Entry<?, ?> entry : value.entrySet()) {
                out.startItem();
                out.writeString(entry.getKey().toString());
                write(connect.valueSchema(), type.getValueType(), entry.getValue(), out);
            }
            out.writeMapEnd();
            return;
        }
        if (type.getType() != Schema.Type.ARRAY || type.getElementType().getType() != Schema.Type.RECORD) {
            throw Unsupported.INSTANCE;
        }
        List<Schema.Field> entryFields = type.getElementType().getFields();
        out.writeArrayStart();
        out.setItemCount(value.size());
        for (Map.Entry<?, ?> entry : value.entrySet()) {
            out.startItem();
            write(connect.keySchema(), entryFields.get(0).schema(), entry.getKey(), out);
            write(connect.valueSchema(), entryFields.get(1).schema(), entry.getValue(), out);
        }
        out.writeArrayEnd();
    }
}
