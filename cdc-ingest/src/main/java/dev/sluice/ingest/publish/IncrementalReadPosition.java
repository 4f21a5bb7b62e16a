package dev.sluice.ingest.publish;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Gives a backfill's read (an incremental-snapshot record) the {@code source.lsn} the change-topic
 * contract promises: Debezium leaves it empty, and consumers order a row's versions by it. The LSN
 * used is the stream position at which Debezium emitted the chunk, its closing watermark: every
 * change of the row before the read has a smaller LSN, every later one a larger, and a change that
 * fell between the chunk's watermarks made Debezium drop the row from the chunk.
 */
final class IncrementalReadPosition {

    private IncrementalReadPosition() {
    }

    /** Sets {@code source.lsn} of an incremental read that has none, from the record's source offset. */
    static void stamp(SourceRecord record) {
        if (!(record.value() instanceof Struct envelope) || !(envelope.get("source") instanceof Struct source)
                || source.schema().field("lsn") == null || source.get("lsn") != null) {
            return;
        }
        Object lsn = record.sourceOffset() == null ? null : record.sourceOffset().get("lsn");
        if (!(lsn instanceof Number position)) {
            throw new IllegalStateException("A backfill record of " + record.topic() + " carries no stream position"
                    + " (source offset " + record.sourceOffset() + "), so consumers could not order it against changes.");
        }
        source.put("lsn", position.longValue());
    }
}
