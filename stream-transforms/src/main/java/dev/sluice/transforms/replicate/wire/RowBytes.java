package dev.sluice.transforms.replicate.wire;

import org.apache.avro.Schema;

/**
 * A row of the row-topic contract, already Avro: {@code framed} is the wire format with the schema id left at 0,
 * which {@link RowBytesSerde} fills in once it knows the output topic's subject.
 */
public record RowBytes(Schema schema, byte[] framed) {
}
