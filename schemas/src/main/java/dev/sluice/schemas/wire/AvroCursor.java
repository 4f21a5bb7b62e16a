package dev.sluice.schemas.wire;

import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;

/**
 * Reads Avro binary in place, keeping its position: values are read or skipped by their schema without building
 * a datum, so a caller can find where a nested record starts and ends and copy those bytes as they are (Avro's
 * {@code BinaryDecoder} buffers ahead and does not say where it is). Every length and union index is checked
 * against the bytes and the schema: bytes that do not match fail with a {@link WireFormatException}, as decoding
 * them would.
 */
public final class AvroCursor {

    private final byte[] bytes;
    private final int end;
    private int position;

    public AvroCursor(byte[] bytes, int offset, int end) {
        this.bytes = bytes;
        this.position = offset;
        this.end = end;
    }

    public int position() {
        return position;
    }

    public boolean atEnd() {
        return position == end;
    }

    /** Fails when bytes are left after the value read: {@code writer} (id {@code schemaId}) did not write them. */
    public void requireEnd(int schemaId, Schema writer) {
        if (position != end) {
            throw new WireFormatException("record with schema id " + schemaId + " has bytes left after its Avro body;"
                    + " it was not written with schema " + writer.getFullName());
        }
    }

    public long readLong() {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = next();
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (value >>> 1) ^ -(value & 1);
            }
        }
        throw new WireFormatException("an Avro long runs over 10 bytes at byte " + position + "; the bytes are not"
                + " Avro of the writer schema");
    }

    public int readInt() {
        long value = readLong();
        if (value != (int) value) {
            throw new WireFormatException("an Avro int is out of range at byte " + position
                    + "; the bytes are not Avro of the writer schema");
        }
        return (int) value;
    }

    public String readString() {
        int length = length();
        String text = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return text;
    }

    /** The branch a union value takes; fails when the index is not one of {@code union}'s. */
    public Schema readBranch(Schema union) {
        int index = readInt();
        if (index < 0 || index >= union.getTypes().size()) {
            throw new WireFormatException("union index " + index + " is out of range for " + union
                    + "; the bytes are not Avro of the writer schema");
        }
        return union.getTypes().get(index);
    }

    /** Skips one value of {@code schema}. */
    public void skip(Schema schema) {
        switch (schema.getType()) {
            case NULL -> { }
            case BOOLEAN -> advance(1);
            case INT, LONG, ENUM -> readLong();
            case FLOAT -> advance(4);
            case DOUBLE -> advance(8);
            case STRING, BYTES -> advance(length());
            case FIXED -> advance(schema.getFixedSize());
            case UNION -> skip(readBranch(schema));
            case RECORD -> {
                for (Schema.Field field : schema.getFields()) {
                    skip(field.schema());
                }
            }
            case ARRAY -> skipBlocks(schema.getElementType(), null);
            case MAP -> skipBlocks(schema.getValueType(), Schema.create(Schema.Type.STRING));
        }
    }

    /** Array and map blocks: a count, negative when the block's byte size follows (so it can be jumped over). */
    private void skipBlocks(Schema item, Schema mapKey) {
        for (long count = readLong(); count != 0; count = readLong()) {
            if (count < 0) {
                long size = readLong();
                if (size < 0 || size > end - position) {
                    throw new WireFormatException("an Avro block of " + size + " bytes runs past the end of the"
                            + " record; the bytes are not Avro of the writer schema");
                }
                advance((int) size);
                continue;
            }
            for (long i = 0; i < count; i++) {
                if (mapKey != null) {
                    skip(mapKey);
                }
                skip(item);
            }
        }
    }

    private int length() {
        long length = readLong();
        if (length < 0 || length > end - position) {
            throw new WireFormatException("an Avro string or bytes of length " + length + " runs past the end of the"
                    + " record at byte " + position + "; the bytes are not Avro of the writer schema");
        }
        return (int) length;
    }

    private void advance(int count) {
        if (count > end - position) {
            throw new WireFormatException("the Avro record ends " + (count - (end - position))
                    + " bytes early; the bytes are not Avro of the writer schema");
        }
        position += count;
    }

    private int next() {
        if (position >= end) {
            throw new WireFormatException("the Avro record ends early; the bytes are not Avro of the writer schema");
        }
        return bytes[position++];
    }
}
