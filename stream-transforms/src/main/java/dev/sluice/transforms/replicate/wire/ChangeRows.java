package dev.sluice.transforms.replicate.wire;

import dev.sluice.schemas.wire.WireFormat;
import dev.sluice.transforms.unwrap.ChangeUnwrapper;
import java.util.Arrays;
import org.apache.avro.generic.GenericRecord;

/**
 * {@link ChangeUnwrapper} on bytes: the row is the image's Avro bytes as they are, followed by {@code __source_ts},
 * {@code __version} and {@code __deleted} (the row schema's last three fields), which is exactly what encoding the
 * unwrapped record gives, without decoding the envelope or encoding the row. An envelope the copy does not cover
 * (one that breaks the change-topic contract, or images whose schema is not the row's columns) is decoded and goes
 * through {@link ChangeUnwrapper}, so its row, or its error, is the one the decoding path gives.
 */
public final class ChangeRows {

    private static final int MAX_METADATA_BYTES = 10 + 10 + 1;

    private final ChangeUnwrapper decoding = new ChangeUnwrapper();

    public RowBytes unwrap(ChangeBytes change) {
        String op = change.op();
        boolean deleted = "d".equals(op);
        boolean known = deleted || "c".equals(op) || "u".equals(op) || "r".equals(op);
        int start = deleted ? change.beforeStart() : change.afterStart();
        int end = deleted ? change.beforeEnd() : change.afterEnd();
        if (!known || start < 0 || change.lsn() == null || change.tsMs() == null
                || !change.layout().imagesCopyAsRows()) {
            return decoded(change);
        }
        int image = end - start;
        byte[] row = new byte[WireFormat.HEADER_SIZE + image + MAX_METADATA_BYTES];
        System.arraycopy(change.framed(), start, row, WireFormat.HEADER_SIZE, image);
        int at = writeLong(row, WireFormat.HEADER_SIZE + image, change.tsMs());
        at = writeLong(row, at, change.lsn());
        row[at++] = (byte) (deleted ? 1 : 0);
        return new RowBytes(change.layout().rowSchema(), Arrays.copyOf(row, at));
    }

    private RowBytes decoded(ChangeBytes change) {
        GenericRecord row = decoding.unwrap(change.decoded());
        return new RowBytes(row.getSchema(), WireFormat.encode(0, row.getSchema(), row));
    }

    /** Avro's long: zig-zag, then 7 bits a byte, low bits first. */
    static int writeLong(byte[] out, int at, long value) {
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out[at++] = (byte) ((n & 0x7f) | 0x80);
            n >>>= 7;
        }
        out[at++] = (byte) n;
        return at;
    }
}
