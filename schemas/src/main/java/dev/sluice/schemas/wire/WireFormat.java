package dev.sluice.schemas.wire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * The Schema Registry wire format: magic byte {@code 0}, the writer schema's id as a 4-byte
 * big-endian int, then the Avro binary encoding of the datum.
 *
 * <p>Encoding accepts Avro's generic representation (GenericRecord, Utf8/String, ByteBuffer, ...)
 * and, for logical types, also the Java types of Avro's standard conversions (BigDecimal, LocalDate,
 * Instant, ...). Decoding returns the generic representation without logical-type conversion
 * (decimal as ByteBuffer, date as int), as Avro's generic readers do, except that strings (and map
 * keys) are {@link String}s, not Avro's Utf8: {@code "c".equals(record.get("op"))} then holds, and
 * values compare and hash like the Java strings everyone else uses.
 */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0;
    /** Magic byte + schema id. */
    public static final int HEADER_SIZE = 5;

    /** Writes raw values as they are and converts the Java types of Avro's logical types. */
    private static final GenericData WRITE_MODEL = withLogicalTypes();
    /** Reads the raw generic representation (no logical-type conversion), strings as String. */
    private static final GenericData READ_MODEL = classicReader();
    private static final int CACHE_LIMIT = 10_000;
    private static final Map<Schema, GenericDatumWriter<Object>> WRITERS = new ConcurrentHashMap<>();
    private static final Map<SchemaPair, GenericDatumReader<Object>> READERS = new ConcurrentHashMap<>();
    /** One decoder per thread, re-aimed at each record's bytes: a new one per record was a tenth of the allocation. */
    private static final ThreadLocal<BinaryDecoder> DECODERS = new ThreadLocal<>();

    /**
     * A writer/reader pair compared by identity: registry clients hand out one Schema instance per id, and a deep
     * {@code Schema.equals} on every record (e.g. when another client cached an equal instance first) costs as much
     * as decoding.
     */
    private record SchemaPair(Schema writer, Schema reader) {
        @Override
        public boolean equals(Object other) {
            return other instanceof SchemaPair pair && pair.writer == writer && pair.reader == reader;
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(writer) + System.identityHashCode(reader);
        }
    }

    private WireFormat() {
    }

    /** A buffer holding the frame's header (magic byte, schema id), for the Avro body to follow. */
    public static ByteArrayOutputStream framed(int schemaId, int expectedSize) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(expectedSize);
        out.write(MAGIC_BYTE);
        out.write(schemaId >>> 24);
        out.write(schemaId >>> 16);
        out.write(schemaId >>> 8);
        out.write(schemaId);
        return out;
    }

    /** Frames {@code datum}, encoded with {@code schema}, under {@code schemaId}. */
    public static byte[] encode(int schemaId, Schema schema, Object datum) {
        ByteArrayOutputStream out = framed(schemaId, 64);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writerFor(schema).write(datum, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new WireFormatException("cannot encode a " + describe(datum) + " with Avro schema "
                    + schema.getFullName() + " (schema id " + schemaId + "): " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    /** The schema id of framed {@code bytes}; fails with a clear message if they are not framed. */
    public static int schemaId(byte[] bytes) {
        if (bytes == null) {
            throw new WireFormatException("cannot read a schema id from null bytes");
        }
        if (bytes.length > 0 && bytes[0] != MAGIC_BYTE) {
            throw new WireFormatException(String.format(
                    "bytes do not start with the Schema Registry magic byte 0 (found 0x%02x in a record of %d bytes);"
                            + " the producer did not use a Schema Registry Avro serializer (plain JSON or raw Avro?)",
                    bytes[0] & 0xff, bytes.length));
        }
        if (bytes.length < HEADER_SIZE) {
            throw new WireFormatException("a record of " + bytes.length + " bytes is too short for the Schema Registry"
                    + " wire format (magic byte 0, 4-byte schema id, Avro binary); it was not written by an Avro serializer");
        }
        return ByteBuffer.wrap(bytes, 1, 4).getInt();
    }

    /**
     * Decodes the Avro body of framed {@code bytes} written with {@code writer}, resolved to
     * {@code reader} (pass the writer again to read as written).
     */
    public static Object decode(byte[] bytes, Schema writer, Schema reader) {
        return decode(bytes, writer, readerFor(writer, reader));
    }

    /**
     * The reusable, thread-safe datum reader {@link #decode(byte[], Schema, Schema)} uses, for callers that keep it
     * per schema id and pass it to {@link #decode(byte[], Schema, DatumReader)}.
     */
    public static DatumReader<Object> reader(Schema writer, Schema reader) {
        return readerFor(writer, reader);
    }

    /** As {@link #decode(byte[], Schema, Schema)}, with a reader from {@link #reader(Schema, Schema)} for {@code writer}. */
    public static Object decode(byte[] bytes, Schema writer, DatumReader<Object> datumReader) {
        int id = schemaId(bytes);
        try {
            BinaryDecoder decoder = DecoderFactory.get()
                    .binaryDecoder(bytes, HEADER_SIZE, bytes.length - HEADER_SIZE, DECODERS.get());
            DECODERS.set(decoder);
            Object datum = datumReader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new WireFormatException("record with schema id " + id + " has bytes left after its Avro body;"
                        + " it was not written with schema " + writer.getFullName());
            }
            return datum;
        } catch (IOException | RuntimeException e) {
            if (e instanceof WireFormatException wfe) {
                throw wfe;
            }
            throw new WireFormatException("cannot decode a record with schema id " + id + " as Avro "
                    + writer.getFullName() + ": " + e.getMessage() + "; the bytes do not match the writer schema", e);
        }
    }

    // Datum readers/writers are reusable and thread-safe; building one per record would redo the
    // schema walk on the hot path. Bounded by the number of live schemas; cleared if that explodes.
    private static GenericDatumWriter<Object> writerFor(Schema schema) {
        if (WRITERS.size() > CACHE_LIMIT) {
            WRITERS.clear();
        }
        return WRITERS.computeIfAbsent(schema, s -> new GenericDatumWriter<>(s, WRITE_MODEL));
    }

    private static GenericDatumReader<Object> readerFor(Schema writer, Schema reader) {
        if (READERS.size() > CACHE_LIMIT) {
            READERS.clear();
        }
        return READERS.computeIfAbsent(new SchemaPair(writer, reader), k -> new StringReader(writer, reader));
    }

    /** Reads Avro strings as java.lang.String. */
    private static final class StringReader extends GenericDatumReader<Object> {
        StringReader(Schema writer, Schema reader) {
            super(writer, reader, READ_MODEL);
        }

        @Override
        @SuppressWarnings("rawtypes")
        protected Class findStringClass(Schema schema) {
            return String.class;
        }
    }

    private static String describe(Object datum) {
        return datum == null ? "null" : datum.getClass().getSimpleName();
    }

    /** Avro's fast reader ignores {@link StringReader}'s choice of String; the classic one honours it. */
    private static GenericData classicReader() {
        GenericData data = new GenericData();
        data.setFastReaderEnabled(false);
        return data;
    }

    private static GenericData withLogicalTypes() {
        GenericData data = new GenericData();
        data.addLogicalTypeConversion(new org.apache.avro.Conversions.DecimalConversion());
        data.addLogicalTypeConversion(new org.apache.avro.Conversions.UUIDConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.DateConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimeMillisConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimeMicrosConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMillisConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.TimestampMicrosConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.LocalTimestampMillisConversion());
        data.addLogicalTypeConversion(new org.apache.avro.data.TimeConversions.LocalTimestampMicrosConversion());
        return data;
    }
}
