package dev.sluice.transforms.replicate.wire;

import dev.sluice.schemas.wire.WireFormat;
import dev.sluice.transforms.dedupe.ChangeEventId;
import dev.sluice.transforms.dedupe.EventIds;

/**
 * {@link ChangeEventId}'s id read from bytes: the key's part is its framed bytes without the frame header, which is
 * the plain Avro binary the decoding path encodes the key back into; so both paths remember the same ids, and a
 * dedupe store written by one is read correctly by the other.
 */
public final class ChangeBytesEventId implements EventIds<byte[], ChangeBytes> {

    private final ChangeEventId decoding = new ChangeEventId();

    @Override
    public byte[] eventId(String topic, byte[] key, ChangeBytes value) {
        if (value.lsn() == null || value.op() == null) {
            decoding.eventId(topic, null, value.decoded()); // throws the decoding path's contract error
            throw new IllegalArgumentException("Change envelope " + value.layout().envelope().getFullName()
                    + " on topic " + topic + " has a source.lsn that is not a long; the change topics must carry"
                    + " PostgreSQL change envelopes (docs/CONTRACTS.md).");
        }
        int keyLength = key == null ? 0 : key.length - WireFormat.HEADER_SIZE;
        return ChangeEventId.of(topic, value.lsn(), value.op(), key, WireFormat.HEADER_SIZE, keyLength);
    }
}
