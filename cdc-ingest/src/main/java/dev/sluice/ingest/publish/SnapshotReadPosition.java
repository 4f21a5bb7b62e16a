package dev.sluice.ingest.publish;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Gives a row read by the initial snapshot a {@code source.lsn} below every change the snapshot does not
 * reflect. Debezium stamps snapshot reads with the position at which the snapshot started, but a source
 * transaction in flight at that moment can write a row's change at that very LSN (or before it), commit
 * after the snapshot's view was taken, and be streamed afterwards with an LSN no greater than the read's:
 * consumers that keep the newest version per row then took the older snapshot read for newer and dropped
 * the change (seen in chaos runs: a delete lost this way left an extra row). The replication slot's
 * {@code restart_lsn} is the oldest WAL position any transaction decoded from the slot can have written
 * at, so one less than it orders every read before every streamed change of its row, and still after
 * every change of an earlier slot's life, so a new snapshot still repairs the warehouse.
 */
final class SnapshotReadPosition {

    private SnapshotReadPosition() {
    }

    /** A row of the initial (blocking) snapshot: {@code source.snapshot} set, but not an incremental read. */
    static boolean isInitialRead(SourceRecord record) {
        if (!(record.value() instanceof Struct envelope) || envelope.schema().field("source") == null
                || !(envelope.get("source") instanceof Struct source) || source.schema().field("snapshot") == null) {
            return false;
        }
        Object snapshot = source.get("snapshot");
        return snapshot != null && !"false".equals(snapshot.toString()) && !"incremental".equals(snapshot.toString());
    }

    /** Sets the read's {@code source.lsn} to {@code version}. */
    static void stamp(SourceRecord record, long version) {
        Struct source = ((Struct) record.value()).getStruct("source");
        if (source.schema().field("lsn") != null) {
            source.put("lsn", version);
        }
    }
}
