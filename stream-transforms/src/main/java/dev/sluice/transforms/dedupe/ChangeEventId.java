package dev.sluice.transforms.dedupe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * The default event id of a Debezium change envelope: source topic + {@code source.lsn} + {@code op} +
 * the key in Avro binary encoding. The LSN alone is not enough: rows written by one statement (COPY,
 * multi-row INSERT) can share an LSN, and the key tells them apart.
 *
 * <p>The key is encoded with plain Avro (no registry framing) so ids do not depend on schema ids, which
 * differ between registries.
 *
 * <p>Fails with {@link IllegalArgumentException} when the value is not a change envelope with
 * {@code source.lsn} and {@code op}.
 */
public final class ChangeEventId implements EventIdExtractor {

    @Override
    public byte[] eventId(String topic, GenericRecord key, GenericRecord value) {
        long lsn = lsnOf(value);
        Object op = value.getSchema().getField("op") == null ? null : value.get("op");
        if (op == null) {
            throw new IllegalArgumentException("Change envelope " + value.getSchema().getFullName()
                    + " on topic " + topic + " has no 'op'; the change topics must carry Debezium change envelopes.");
        }
        byte[] keyAvro = key == null ? null : avroOf(key);
        return of(topic, lsn, op.toString(), keyAvro, 0, keyAvro == null ? 0 : keyAvro.length);
    }

    /**
     * The id from its parts: {@code keyAvro[keyOffset, keyOffset + keyLength)} is the key's plain Avro binary (null
     * for no key), so a caller holding the framed key bytes gets the same id as one holding the decoded key.
     */
    public static byte[] of(String topic, long lsn, String op, byte[] keyAvro, int keyOffset, int keyLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.writeBytes(topic.getBytes(StandardCharsets.UTF_8));
        out.write(0); // topic names never contain NUL, so the topic part cannot run into the rest
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (lsn >>> shift));
        }
        out.writeBytes(op.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        if (keyAvro != null) {
            out.write(keyAvro, keyOffset, keyLength);
        }
        return out.toByteArray();
    }

    private static long lsnOf(GenericRecord envelope) {
        if (envelope.getSchema().getField("source") != null
                && envelope.get("source") instanceof GenericRecord source
                && source.getSchema().getField("lsn") != null
                && source.get("lsn") instanceof Number lsn) {
            return lsn.longValue();
        }
        throw new IllegalArgumentException("Change envelope " + envelope.getSchema().getFullName()
                + " has no source.lsn; the change topics must carry PostgreSQL change envelopes (docs/CONTRACTS.md).");
    }

    private static byte[] avroOf(GenericRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in-memory stream: cannot happen
        }
        return out.toByteArray();
    }
}
