package dev.sluice.schemas.wire;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes that are not a Schema Registry framed Avro record, or an Avro body that does not match its
 * writer schema. A {@link SerializationException} so Kafka clients and Streams exception handlers
 * treat it as a bad record (dead-letter it) rather than a crash.
 */
public class WireFormatException extends SerializationException {
    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
