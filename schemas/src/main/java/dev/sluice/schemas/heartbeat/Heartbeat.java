package dev.sluice.schemas.heartbeat;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A source heartbeat as it travels with the data: a record with no key and no value whose headers say
 * that the source stream has been read up to {@code lsn} (every source transaction committed before
 * it has been published ahead of this record on this partition). cdc-ingest writes one to every
 * partition of every change topic at each Debezium heartbeat between source transactions, in the same
 * Kafka transaction as the source offset; the replication pipeline passes each one on to every partition
 * of the row topic; the sink turns them into the warehouse's completeness frontier
 * ({@code _sluice_frontier}, {@code _sluice_progress.complete_version}).
 *
 * <p>Because a row-topic partition can hold rows from any change-topic partition, a frontier is only
 * known once every row-topic partition has seen a heartbeat from every origin partition:
 * {@code partition} and {@code partitions} name the origin and how many there are.
 *
 * @param lsn        the source position read up to (PostgreSQL LSN as a number)
 * @param sourceTs   the source commit time of that position, epoch millis
 * @param partition  the change-topic partition the heartbeat was written to (its origin)
 * @param partitions the change topic's partition count
 */
public record Heartbeat(long lsn, long sourceTs, int partition, int partitions) {

    public static final String LSN = "sluice.heartbeat.lsn";
    public static final String SOURCE_TS = "sluice.heartbeat.ts";
    public static final String PARTITION = "sluice.heartbeat.partition";
    public static final String PARTITIONS = "sluice.heartbeat.partitions";

    /** The headers that carry this heartbeat (decimal text, readable by Connect's SimpleHeaderConverter). */
    public Headers toHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(LSN, text(lsn));
        headers.add(SOURCE_TS, text(sourceTs));
        headers.add(PARTITION, text(partition));
        headers.add(PARTITIONS, text(partitions));
        return headers;
    }

    /** True when the record's headers mark it as a heartbeat. */
    public static boolean isHeartbeat(Headers headers) {
        return headers != null && headers.lastHeader(LSN) != null;
    }

    /** The heartbeat in a record's Kafka headers, if it is one. */
    public static Optional<Heartbeat> from(Headers headers) {
        if (!isHeartbeat(headers)) {
            return Optional.empty();
        }
        return Optional.of(new Heartbeat(number(headers.lastHeader(LSN)), number(headers.lastHeader(SOURCE_TS)),
                (int) number(headers.lastHeader(PARTITION)), (int) number(headers.lastHeader(PARTITIONS))));
    }

    /** A heartbeat from already-decoded header values (Connect hands them over as text or numbers). */
    public static Heartbeat of(Object lsn, Object sourceTs, Object partition, Object partitions) {
        return new Heartbeat(number(lsn), number(sourceTs), (int) number(partition), (int) number(partitions));
    }

    private static long number(Header header) {
        if (header == null || header.value() == null) {
            throw new IllegalArgumentException("A heartbeat record lacks one of its headers " + LSN + ", " + SOURCE_TS
                    + ", " + PARTITION + ", " + PARTITIONS + "; it was not written by cdc-ingest.");
        }
        return Long.parseLong(new String(header.value(), StandardCharsets.UTF_8));
    }

    private static long number(Object value) {
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s) {
            return Long.parseLong(s.trim());
        }
        if (value instanceof byte[] bytes) {
            return Long.parseLong(new String(bytes, StandardCharsets.UTF_8));
        }
        throw new IllegalArgumentException("A heartbeat header holds " + value + " where a number was expected.");
    }

    private static byte[] text(long value) {
        return Long.toString(value).getBytes(StandardCharsets.UTF_8);
    }
}
