package dev.sluice.schemas.connect;

import dev.sluice.schemas.wire.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

/**
 * Connect value -> framed Avro binary in one walk, for an Avro schema made by {@link ConnectToAvroSchema}: the same
 * bytes as {@link ConnectToAvroValue} followed by {@link WireFormat#encode}, without the intermediate tree of
 * {@code GenericData.Record}s and the generic writer's dispatch over it. That pair was 58% of ingest's publisher
 * thread at 5,000 changes/s, more than Debezium's own thread. Scalars go through {@link ConnectToAvroValue#convert}
 * itself, so logical types have one definition of their encoding. Only the shapes {@link ConnectToAvroSchema} makes are
 * written here; anything else (and any value that does not fit its schema) returns null, and the caller takes the
 * generic path, which gives the usual error.
 */
public final class ConnectToAvroBinary {

    private static final EncoderFactory ENCODERS = EncoderFactory.get();

    private ConnectToAvroBinary() {
    }

    /** The framed bytes, or null when this writer does not handle the value (the generic path must then run). */
    public static byte[] encode(int schemaId, org.apache.kafka.connect.data.Schema connect, Schema avro, Object value) {
        ByteArrayOutputStream out = WireFormat.framed(schemaId, 256);
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
            default -> scalar(ConnectToAvroValue.convert(connect, type, value), type, out);
        }
    }

    /** A scalar as ConnectToAvroValue gives it (logical types already in their Avro encoding), by its Avro type. */
    private static void scalar(Object avroValue, Schema type, BinaryEncoder out) throws IOException, Unsupported {
        switch (type.getType()) {
            case INT -> out.writeInt((Integer) avroValue);
            case LONG -> out.writeLong((Long) avroValue);
            case FLOAT -> out.writeFloat((Float) avroValue);
            case DOUBLE -> out.writeDouble((Double) avroValue);
            case BOOLEAN -> out.writeBoolean((Boolean) avroValue);
            case STRING -> out.writeString((String) avroValue);
            case BYTES -> out.writeBytes((ByteBuffer) avroValue);
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
