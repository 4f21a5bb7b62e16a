package dev.sluice.transforms.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Test-only Avro serde that needs no registry: 4-byte length, the writer schema as JSON, then Avro binary.
 * Schemas read back are cached by their JSON, so equal writer schemas give one instance, as a registry
 * deserializer caching by schema id does.
 */
public final class SelfDescribingAvroSerde implements Serde<GenericRecord> {

    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

    @Override
    public Serializer<GenericRecord> serializer() {
        return (topic, record) -> record == null ? null : write(record);
    }

    @Override
    public Deserializer<GenericRecord> deserializer() {
        return (topic, bytes) -> bytes == null ? null : read(bytes);
    }

    private static byte[] write(GenericRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] schema = record.getSchema().toString().getBytes(StandardCharsets.UTF_8);
            out.write(ByteBuffer.allocate(4).putInt(schema.length).array());
            out.write(schema);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private GenericRecord read(byte[] bytes) {
        try {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            int length = buffer.getInt();
            String json = new String(bytes, 4, length, StandardCharsets.UTF_8);
            Schema schema = schemas.computeIfAbsent(json, s -> new Schema.Parser().parse(s));
            int offset = 4 + length;
            return new GenericDatumReader<GenericRecord>(schema)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes, offset, bytes.length - offset, null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
