package dev.sluice.transforms.replicate.wire;

import org.apache.avro.generic.GenericRecord;
import dev.sluice.schemas.wire.WireFormat;

/**
 * One change envelope as it came off the topic: its framed bytes, and what one walk over them found (the op, the
 * source LSN and commit time, where each image's bytes are). Fields the envelope lacks, or holds as null, are null
 * (or -1 for positions): whether that breaks the change-topic contract is the step's to say, as with a decoded
 * envelope.
 */
public record ChangeBytes(byte[] framed, EnvelopeLayout layout, String op, Long lsn, Long tsMs,
                          int beforeStart, int beforeEnd, int afterStart, int afterEnd) {

    /** The envelope decoded into a record, for the paths that need one (errors, unusual schemas). */
    public GenericRecord decoded() {
        return (GenericRecord) WireFormat.decode(framed, layout.envelope(), layout.envelope());
    }
}
