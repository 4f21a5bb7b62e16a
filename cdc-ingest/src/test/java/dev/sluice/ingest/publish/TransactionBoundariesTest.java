package dev.sluice.ingest.publish;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TransactionBoundariesTest {

    private static final Map<String, String> PARTITION = Map.of("server", "shop");
    private static final Schema MARKER = SchemaBuilder.struct().field("status", Schema.STRING_SCHEMA).build();

    private final TransactionBoundaries boundaries = new TransactionBoundaries("shop.transaction", "shop.notifications");

    @Test
    void aSourceTransactionIsClosedOnlyByItsEndMarker() {
        assertThat(boundaries.accept(marker("BEGIN"), false)).isEqualTo(TransactionBoundaries.Kind.MARKER);
        assertThat(boundaries.atBoundary()).isFalse();
        assertThat(boundaries.accept(change("INSERT"), true)).isEqualTo(TransactionBoundaries.Kind.CHANGE);
        assertThat(boundaries.atBoundary()).isFalse();
        boundaries.accept(change("INSERT"), true);
        assertThat(boundaries.atBoundary()).isFalse();
        boundaries.accept(marker("END"), false);
        assertThat(boundaries.atBoundary()).isTrue();
    }

    @Test
    void anEndEmittedForTheFirstChangeOfTheNextTransactionIsNoBoundary() {
        // after a restart Debezium may end the restored transaction when the next one's change arrives
        boundaries.accept(marker("END", "INSERT"), false);
        assertThat(boundaries.atBoundary()).isFalse();
        boundaries.accept(marker("BEGIN", "INSERT"), false);
        boundaries.accept(change("INSERT"), true);
        boundaries.accept(marker("END"), false);
        assertThat(boundaries.atBoundary()).isTrue();
    }

    @Test
    void aHeartbeatInsideASourceTransactionIsNoBoundary() {
        boundaries.accept(marker("BEGIN"), false);
        boundaries.accept(change("INSERT"), true);
        assertThat(boundaries.accept(heartbeat("COMMIT"), false)).isEqualTo(TransactionBoundaries.Kind.OTHER);
        assertThat(boundaries.atBoundary()).isFalse();
    }

    @Test
    void aHeartbeatBetweenTransactionsIsABoundaryOnlyAfterACommit() {
        boundaries.accept(heartbeat("COMMIT"), false);
        assertThat(boundaries.atBoundary()).isTrue();
        // emitted while the connector was inside a transaction of a table we do not capture
        boundaries.accept(heartbeat("INSERT"), false);
        assertThat(boundaries.atBoundary()).isFalse();
        boundaries.accept(heartbeat(null), false);
        assertThat(boundaries.atBoundary()).isTrue();
    }

    @Test
    void aChangeWithoutBeginStillOpensATransaction() {
        boundaries.accept(change("UPDATE"), true);
        boundaries.accept(heartbeat("COMMIT"), false);
        assertThat(boundaries.atBoundary()).isFalse();
        boundaries.accept(marker("END"), false);
        assertThat(boundaries.atBoundary()).isTrue();
    }

    @Test
    void theSnapshotIsOneUnitEndingWithItsLastRecord() {
        boundaries.accept(snapshot(false), true);
        assertThat(boundaries.atBoundary()).isFalse();
        boundaries.accept(snapshot(false), true);
        assertThat(boundaries.atBoundary()).isFalse();
        assertThat(boundaries.accept(snapshot(true), true)).isEqualTo(TransactionBoundaries.Kind.CHANGE);
        assertThat(boundaries.atBoundary()).isTrue();
    }

    @Test
    void backfillReadsCommitWithTheTransactionOfTheirClosingWatermark() {
        boundaries.accept(marker("BEGIN"), false);
        boundaries.accept(heartbeat("INSERT"), false); // the signal table's watermark row
        // an incremental read may carry a snapshot offset: it is still part of this transaction
        assertThat(boundaries.accept(incrementalRead(), true)).isEqualTo(TransactionBoundaries.Kind.CHANGE);
        assertThat(boundaries.atBoundary()).isFalse();
        boundaries.accept(incrementalRead(), true);
        assertThat(boundaries.atBoundary()).isFalse();
        boundaries.accept(marker("END"), false);
        assertThat(boundaries.atBoundary()).isTrue();
    }

    @Test
    void aNotificationIsNeverABoundary() {
        SourceRecord notification = new SourceRecord(Map.of(), Map.of(), "shop.notifications", null, null, null, null);
        assertThat(boundaries.accept(notification, false)).isEqualTo(TransactionBoundaries.Kind.NOTIFICATION);
        assertThat(boundaries.atBoundary()).isFalse();
    }

    private static SourceRecord incrementalRead() {
        Schema sourceSchema = SchemaBuilder.struct().field("snapshot", Schema.OPTIONAL_STRING_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().field("source", sourceSchema).build();
        Struct value = new Struct(envelope).put("source", new Struct(sourceSchema).put("snapshot", "incremental"));
        Map<String, Object> offset = new HashMap<>(Map.of("lsn", 300L, "snapshot", "INCREMENTAL", "last_snapshot_record", false));
        return new SourceRecord(PARTITION, offset, "shop.public.orders", null, null, envelope, value);
    }

    private static SourceRecord marker(String status) {
        return marker(status, "END".equals(status) ? "COMMIT" : "BEGIN");
    }

    private static SourceRecord marker(String status, String messageType) {
        Struct value = new Struct(MARKER).put("status", status);
        return new SourceRecord(PARTITION, streamingOffset(messageType), "shop.transaction", null, null, MARKER, value);
    }

    private static SourceRecord change(String messageType) {
        return new SourceRecord(PARTITION, streamingOffset(messageType), "shop.public.orders", null, null, null, null);
    }

    private static SourceRecord heartbeat(String messageType) {
        return new SourceRecord(PARTITION, streamingOffset(messageType), "__debezium-heartbeat.shop", null, null, null, null);
    }

    private static SourceRecord snapshot(boolean last) {
        Map<String, Object> offset = new HashMap<>(Map.of("lsn", 100L, "snapshot", "INITIAL", "last_snapshot_record", last));
        return new SourceRecord(PARTITION, offset, "shop.public.orders", null, null, null, null);
    }

    private static Map<String, Object> streamingOffset(String messageType) {
        Map<String, Object> offset = new HashMap<>(Map.of("lsn", 200L, "lsn_proc", 200L, "lsn_commit", 150L, "txId", 7L));
        if (messageType != null) {
            offset.put("messageType", messageType);
        }
        return offset;
    }
}
