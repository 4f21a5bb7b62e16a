package dev.sluice.ingest.publish;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.Map;

/**
 * Follows Debezium's record stream and says after which records the stream stands at a source
 * transaction boundary: the only places where a source offset may be stored, so that a restart
 * never resumes inside a source transaction (PostgreSQL's COPY and multi-row inserts give many
 * rows one LSN, a position inside them is fragile to resume from).
 *
 * <ul>
 *   <li>Snapshot records form one unit: the boundary is the record marked
 *       {@code last_snapshot_record}.</li>
 *   <li>While streaming, Debezium's transaction markers (enabled by {@code EngineProperties}):
 *       {@code BEGIN} opens a source transaction, {@code END} emitted at the source's
 *       {@code COMMIT} closes it and is a boundary. A change seen without its {@code BEGIN} also
 *       opens one (it can only be closed by such an {@code END}).</li>
 *   <li>Incremental-snapshot records (a backfill) are emitted while the stream reads the source
 *       transaction that wrote the chunk's closing watermark: they are changes of that transaction
 *       and commit at its {@code END}, with the offset that records the chunk as done.</li>
 *   <li>Debezium's notifications are published but never a boundary: their offset may be empty.</li>
 *   <li>Any other record (a heartbeat) is a boundary only outside a source transaction and only
 *       when its offset says the last message the connector processed was a {@code COMMIT}
 *       (or nothing yet): a heartbeat can also be emitted in the middle of a transaction.</li>
 * </ul>
 * Not thread-safe: one instance per engine, fed in stream order.
 */
public final class TransactionBoundaries {

    /** What a record is, for the publisher. */
    public enum Kind {
        /** A change of a table, to publish. */
        CHANGE,
        /** A BEGIN or END marker, never published. */
        MARKER,
        /** A Debezium notification (e.g. backfill progress), published, never a boundary. */
        NOTIFICATION,
        /** Anything else (heartbeats), never published. */
        OTHER
    }

    private final String transactionTopic;
    private final String notificationTopic;
    private boolean inSourceTransaction;
    private boolean inSnapshot;
    private boolean boundary;

    public TransactionBoundaries(String transactionTopic, String notificationTopic) {
        this.transactionTopic = transactionTopic;
        this.notificationTopic = notificationTopic;
    }

    /**
     * Classifies the next record of the stream; {@code isChange} says whether it is a change of a
     * captured table. Afterwards {@link #atBoundary()} tells whether its offset may be stored.
     */
    public Kind accept(SourceRecord record, boolean isChange) {
        Map<String, ?> offset = record.sourceOffset();
        if (notificationTopic.equals(record.topic())) {
            boundary = false;
            return Kind.NOTIFICATION;
        }
        if (isChange && isIncrementalSnapshot(record)) {
            inSourceTransaction = true;
            boundary = false;
            return Kind.CHANGE;
        }
        if (isSnapshotOffset(offset)) {
            inSnapshot = !Boolean.TRUE.equals(offset.get("last_snapshot_record"));
            boundary = !inSnapshot;
            return isChange ? Kind.CHANGE : Kind.OTHER;
        }
        inSnapshot = false;
        if (transactionTopic.equals(record.topic())) {
            String status = markerStatus(record);
            if ("BEGIN".equals(status)) {
                inSourceTransaction = true;
            } else if ("END".equals(status)) {
                // Debezium also ends a transaction implicitly when a change of another one arrives
                // (after a restart that restored a transaction context): that END carries the
                // position of the new transaction's first change, which is inside it
                inSourceTransaction = !afterCommit(offset);
            }
            boundary = !inSourceTransaction;
            return Kind.MARKER;
        }
        if (isChange) {
            inSourceTransaction = true;
            boundary = false;
            return Kind.CHANGE;
        }
        // a heartbeat can come from the middle of a transaction too: only one after a COMMIT counts
        boundary = !inSourceTransaction && afterCommit(offset);
        return Kind.OTHER;
    }

    /** True when the offset of the last accepted record stands between source transactions. */
    public boolean atBoundary() {
        return boundary;
    }

    private static boolean isSnapshotOffset(Map<String, ?> offset) {
        if (offset == null) {
            return false;
        }
        Object snapshot = offset.get("snapshot");
        return snapshot != null && !"false".equalsIgnoreCase(snapshot.toString());
    }

    /** A backfill's read: the envelope's {@code source.snapshot} says {@code incremental}. */
    static boolean isIncrementalSnapshot(SourceRecord record) {
        if (record.value() instanceof Struct value && value.schema().field("source") != null
                && value.get("source") instanceof Struct source && source.schema().field("snapshot") != null) {
            return "incremental".equals(source.get("snapshot"));
        }
        return false;
    }

    private static boolean afterCommit(Map<String, ?> offset) {
        Object type = offset == null ? null : offset.get("messageType");
        return type == null || "COMMIT".equals(type.toString());
    }

    private static String markerStatus(SourceRecord record) {
        if (record.value() instanceof Struct value && value.schema().field("status") != null) {
            return value.getString("status");
        }
        return null;
    }
}
