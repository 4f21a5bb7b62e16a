package dev.sluice.ingest.publish;

import dev.sluice.ingest.TransactionBound;
import dev.sluice.ingest.source.TableId;
import dev.sluice.schemas.kafka.RecordSizeLimit;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.sluice.schemas.heartbeat.Heartbeat;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The publisher's transaction handling, against Kafka's MockProducer: what commits when, and what is marked processed. */
class ChangePublisherTest {

    private static final String TOPIC = "shop.public.orders";
    private static final String HEARTBEAT_TABLE = "shop.public.sluice_heartbeat";
    private static final long SLOT_RESTART = 50;
    private static final Map<String, String> PARTITION = Map.of("server", "shop");
    private static final Schema MARKER = SchemaBuilder.struct().field("status", Schema.STRING_SCHEMA).build();
    private static final Schema ROW = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();

    /** The change topic has three partitions: a heartbeat goes to each. */
    private final MockProducer<byte[], byte[]> producer = new MockProducer<>(new Cluster("test", List.of(), List.of(
            partition(0), partition(1), partition(2)), Set.of(), Set.of()), true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Committer committer = new Committer();
    private ChangePublisher publisher;
    private long lsn = 100;

    @BeforeEach
    void setUp() {
        producer.initTransactions();
        JsonConverter keys = new JsonConverter();
        keys.configure(Map.of("schemas.enable", "false"), true);
        JsonConverter values = new JsonConverter();
        values.configure(Map.of("schemas.enable", "false"), false);
        publisher = new ChangePublisher(Map.of(TOPIC, new TableId("public", "orders")), keys, values, producer,
                new IngestMetrics(meters), "shop-offsets", "shop.transaction", "shop.notifications", HEARTBEAT_TABLE, () -> SLOT_RESTART - 1,
                Duration.ofHours(1));
    }

    @Test
    void aSourceTransactionSpanningBatchesCommitsOnceAtItsEnd() throws Exception {
        RecordChangeEvent<SourceRecord> end = event(marker("END", "COMMIT"));
        publisher.handleBatch(List.of(event(marker("BEGIN", "BEGIN")), event(change(1)), event(change(2))), committer);

        assertThat(producer.transactionInFlight()).isTrue();
        assertThat(producer.uncommittedRecords()).hasSize(2);
        assertThat(committer.processed).isEmpty();

        publisher.handleBatch(List.of(event(change(3)), end), committer);

        assertThat(producer.commitCount()).isEqualTo(1);
        List<ProducerRecord<byte[], byte[]>> written = producer.history();
        assertThat(written).extracting(ProducerRecord::topic).containsExactly(TOPIC, TOPIC, TOPIC, "shop-offsets");
        assertThat(new String(written.get(3).key(), StandardCharsets.UTF_8)).isEqualTo("[\"sluice-ingest\",{\"server\":\"shop\"}]");
        assertThat(new String(written.get(3).value(), StandardCharsets.UTF_8)).contains("\"messageType\":\"COMMIT\"");
        // only the boundary is marked, and only after the commit: that is what moves the slot
        assertThat(committer.processed).containsExactly(end);
        assertThat(meters.get(IngestMetrics.TRANSACTIONS_COMMITTED).counter().count()).isEqualTo(1);
        assertThat(meters.get(IngestMetrics.CHANGES).counter().count()).isEqualTo(3);
    }

    @Test
    void aBatchEndingInsideASourceTransactionCommitsTheCompleteOnesOnlyLater() throws Exception {
        publisher.handleBatch(List.of(event(marker("BEGIN", "BEGIN")), event(change(1)), event(marker("END", "COMMIT")),
                event(marker("BEGIN", "BEGIN")), event(change(2))), committer);

        // the first transaction's changes share the Kafka transaction with half of the second one
        assertThat(producer.commitCount()).isZero();
        assertThat(committer.processed).isEmpty();
    }

    @Test
    void anOldEnoughTransactionCommitsAtTheNextBoundaryInsideABatch() throws Exception {
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "false"), false);
        ChangePublisher eager = new ChangePublisher(Map.of(TOPIC, new TableId("public", "orders")), json, json, producer,
                new IngestMetrics(meters), "shop-offsets", "shop.transaction", "shop.notifications", HEARTBEAT_TABLE, () -> SLOT_RESTART - 1,
                Duration.ZERO);
        RecordChangeEvent<SourceRecord> firstEnd = event(marker("END", "COMMIT"));
        eager.handleBatch(List.of(event(marker("BEGIN", "BEGIN")), event(change(1)), firstEnd,
                event(marker("BEGIN", "BEGIN")), event(change(2))), committer);

        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(producer.uncommittedRecords()).hasSize(1);
        assertThat(committer.processed).containsExactly(firstEnd);
    }

    @Test
    void aSourceTransactionLargerThanTheBoundCommitsInStepsWithoutStoringAPositionInsideIt() throws Exception {
        ChangePublisher bounded = bounded(new TransactionBound(2, Long.MAX_VALUE, Duration.ofHours(1)));
        RecordChangeEvent<SourceRecord> end = event(marker("END", "COMMIT"));
        bounded.handleBatch(List.of(event(marker("BEGIN", "BEGIN")), event(change(1)), event(change(2)), event(change(3)),
                event(change(4)), event(change(5))), committer);

        // two cuts of two changes each, neither with an offset, nothing marked: the slot and the stored position stay put
        assertThat(producer.commitCount()).isEqualTo(2);
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsOnly(TOPIC);
        assertThat(producer.uncommittedRecords()).hasSize(1);
        assertThat(committer.processed).isEmpty();
        assertThat(meters.get(IngestMetrics.TRANSACTIONS_CUT).counter().count()).isEqualTo(2);

        bounded.handleBatch(List.of(end), committer);

        assertThat(producer.commitCount()).isEqualTo(3);
        assertThat(producer.history()).extracting(ProducerRecord::topic).endsWith(TOPIC, "shop-offsets");
        assertThat(committer.processed).containsExactly(end);
    }

    @Test
    void aCutStoresTheOffsetOfTheLastCompleteSourceTransactionItHolds() throws Exception {
        ChangePublisher bounded = bounded(new TransactionBound(3, Long.MAX_VALUE, Duration.ofHours(1)));
        RecordChangeEvent<SourceRecord> firstEnd = event(marker("END", "COMMIT"));
        bounded.handleBatch(List.of(event(marker("BEGIN", "BEGIN")), event(change(1)), firstEnd,
                event(marker("BEGIN", "BEGIN")), event(change(2)), event(change(3))), committer);

        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly(TOPIC, TOPIC, TOPIC, "shop-offsets");
        assertThat(new String(producer.history().get(3).value(), StandardCharsets.UTF_8))
                .contains("\"lsn\":" + lsnOf(firstEnd));
        assertThat(committer.processed).containsExactly(firstEnd);
    }

    @Test
    void aSnapshotLargerThanTheBoundCommitsInStepsAndStoresItsOffsetOnlyAtItsLastRecord() throws Exception {
        ChangePublisher bounded = bounded(new TransactionBound(2, Long.MAX_VALUE, Duration.ofHours(1)));
        RecordChangeEvent<SourceRecord> last = event(sourced("last", 300, snapshotOffset(300, true)));
        bounded.handleBatch(List.of(event(sourced("true", 300, snapshotOffset(300, false))),
                event(sourced("true", 300, snapshotOffset(300, false))), event(sourced("true", 300, snapshotOffset(300, false))),
                last), committer);

        assertThat(producer.commitCount()).isEqualTo(2);
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly(TOPIC, TOPIC, TOPIC, TOPIC, "shop-offsets");
        assertThat(committer.processed).containsExactly(last);
    }

    @Test
    void anOldKafkaTransactionIsCutInsideASourceTransaction() throws Exception {
        ChangePublisher bounded = bounded(new TransactionBound(Integer.MAX_VALUE, Long.MAX_VALUE, Duration.ofNanos(1)));
        bounded.handleBatch(List.of(event(marker("BEGIN", "BEGIN")), event(change(1))), committer);

        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(committer.processed).isEmpty();
    }

    private ChangePublisher bounded(TransactionBound bound) {
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "false"), false);
        return new ChangePublisher(Map.of(TOPIC, new TableId("public", "orders")), json, json, producer,
                new IngestMetrics(meters), "shop-offsets", "shop.transaction", "shop.notifications", HEARTBEAT_TABLE,
                () -> SLOT_RESTART - 1, Duration.ofHours(1), bound);
    }

    private static Object lsnOf(RecordChangeEvent<SourceRecord> event) {
        return event.record().sourceOffset().get("lsn");
    }

    @Test
    void heartbeatsBetweenTransactionsMoveTheOffsetWithoutPublishingAnything() throws Exception {
        RecordChangeEvent<SourceRecord> heartbeat = event(heartbeat("COMMIT"));
        publisher.handleBatch(List.of(heartbeat), committer);

        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly("shop-offsets");
        assertThat(committer.processed).containsExactly(heartbeat);
    }

    @Test
    void theHeartbeatTablesCommitGoesToEveryPartitionWithItsPositionAndCommitTime() throws Exception {
        RecordChangeEvent<SourceRecord> begin = event(marker("BEGIN", "BEGIN"));
        RecordChangeEvent<SourceRecord> write = event(heartbeatTableChange());
        RecordChangeEvent<SourceRecord> end = event(marker("END", "COMMIT")); // the commit's position: the newest LSN
        publisher.handleBatch(List.of(begin, write, end), committer);

        List<ProducerRecord<byte[], byte[]>> beats = producer.history().stream().filter(r -> r.topic().equals(TOPIC)).toList();
        assertThat(beats).extracting(ProducerRecord::partition).containsExactly(0, 1, 2);
        assertThat(beats).allSatisfy(r -> {
            assertThat(r.key()).isNull();
            assertThat(r.value()).isNull();
        });
        assertThat(beats).extracting(r -> Heartbeat.from(r.headers()).orElseThrow())
                .containsExactly(new Heartbeat(lsn, 1_700_000_000_000L, 0, 3), new Heartbeat(lsn, 1_700_000_000_000L, 1, 3),
                        new Heartbeat(lsn, 1_700_000_000_000L, 2, 3));
        assertThat(producer.history()).extracting(ProducerRecord::topic).doesNotContain(HEARTBEAT_TABLE).endsWith("shop-offsets");
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(committer.processed).containsExactly(end);
    }

    /**
     * The race a chaos run caught (extra key [1077, 1]): a delete written at the very LSN the snapshot started at,
     * committed after the snapshot's view was taken, was streamed with the same LSN as the snapshot's read of the row,
     * and the warehouse kept the read. A read must sit below every change the snapshot does not reflect.
     */
    @Test
    void anInitialSnapshotReadSitsBelowEveryStreamedChangeOfItsRow() throws Exception {
        long snapshotStart = 32_853_104L;
        SourceRecord read = sourced("true", snapshotStart, snapshotOffset(snapshotStart, true));
        SourceRecord backfill = sourced("incremental", 9_999L, Map.of("lsn", 9_999L));
        publisher.handleBatch(List.of(event(read), event(backfill)), committer);

        assertThat(((Struct) read.value()).getStruct("source").getInt64("lsn")).isEqualTo(SLOT_RESTART - 1)
                .isLessThan(snapshotStart);
        assertThat(((Struct) backfill.value()).getStruct("source").getInt64("lsn")).as("a backfill read keeps its position")
                .isEqualTo(9_999L);
    }

    @Test
    void anOrdinaryTransactionPublishesNoHeartbeat() throws Exception {
        publisher.handleBatch(List.of(event(marker("BEGIN", "BEGIN")), event(change(1)), event(marker("END", "COMMIT"))),
                committer);

        assertThat(producer.history()).filteredOn(r -> r.topic().equals(TOPIC))
                .allSatisfy(r -> assertThat(Heartbeat.isHeartbeat(r.headers())).isFalse()).hasSize(1);
    }

    @Test
    void aFailedCommitAbortsMarksNothingAndFailsTheBatch() {
        producer.commitTransactionException = new KafkaException("broker gone");

        assertThatThrownBy(() -> publisher.handleBatch(List.of(event(marker("BEGIN", "BEGIN")), event(change(1)),
                event(marker("END", "COMMIT"))), committer))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broker gone")
                .hasMessageContaining("read again after a restart");
        assertThat(producer.transactionAborted()).isTrue();
        assertThat(committer.processed).isEmpty();
        assertThat(meters.get(IngestMetrics.TRANSACTIONS_ABORTED).counter().count()).isEqualTo(1);
    }

    @Test
    void aChangeAboveTheRecordSizeLimitStopsIngestWithOneSentenceAndSendsNothingOfIt() throws Exception {
        publisher.recordSizeLimit(new RecordSizeLimit(RecordSizeLimit.MIN_BYTES));
        Schema wide = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("body", Schema.STRING_SCHEMA).build();
        Struct key = new Struct(ROW).put("id", 42);
        Struct row = new Struct(wide).put("id", 42).put("body", "x".repeat((int) RecordSizeLimit.MIN_BYTES));
        publisher.handleBatch(List.of(event(marker("BEGIN", "BEGIN")), event(change(1)), event(marker("END", "COMMIT"))),
                committer);
        int sent = producer.history().size();

        assertThatThrownBy(() -> publisher.handleBatch(List.of(event(marker("BEGIN", "BEGIN")),
                event(new SourceRecord(PARTITION, offset("INSERT"), TOPIC, null, ROW, key, wide, row))), committer))
                .isInstanceOf(OversizedChange.class)
                .hasMessageMatching("The change to public\\.orders with key id=42 is \\d+ bytes serialised, more than "
                        + "kafka\\.max\\.record\\.bytes \\(1048576 bytes\\); raise kafka\\.max\\.record\\.bytes "
                        + "\\(SLUICE_KAFKA_MAX_RECORD_BYTES, --max-record-bytes\\) above it and restart ingest\\.");
        assertThat(producer.history()).hasSize(sent);
        assertThat(committer.processed).hasSize(1); // only the first transaction's end: the slot stays before the change
    }

    @Test
    void aChangeTheBrokerRefusesAsTooLargeNamesTheTopicsSetting() {
        producer.sendException = new org.apache.kafka.common.errors.RecordTooLargeException("too large");

        assertThatThrownBy(() -> publisher.handleBatch(List.of(event(marker("BEGIN", "BEGIN")), event(change(7)),
                event(marker("END", "COMMIT"))), committer))
                .isInstanceOf(OversizedChange.class)
                .hasMessageStartingWith("Kafka refused the change to public.orders with key id=7 (")
                .hasMessageContaining("raise max.message.bytes of topic " + TOPIC);
        assertThat(committer.processed).isEmpty();
    }

    @Test
    void aChangeHoldingANumericNaNIsDeadLetteredWithTheReasonInItsTransaction() throws Exception {
        Schema row = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA)
                .field("price", org.apache.kafka.connect.data.Decimal.builder(2).optional().build()).build();
        Schema envelope = SchemaBuilder.struct().field("after", row).build();
        Struct key = new Struct(ROW).put("id", 9);
        Struct value = new Struct(envelope).put("after", new Struct(row).put("id", 9)
                .put("price", dev.sluice.ingest.values.SpecialNumericConverter.NAN));
        RecordChangeEvent<SourceRecord> end = event(marker("END", "COMMIT"));
        publisher.handleBatch(List.of(event(marker("BEGIN", "BEGIN")),
                event(new SourceRecord(PARTITION, offset("INSERT"), TOPIC, null, ROW, key, envelope, value)), event(change(10)),
                end), committer);

        List<ProducerRecord<byte[], byte[]>> written = producer.history();
        assertThat(written).extracting(ProducerRecord::topic).containsExactly("sluice-ingest.dlq", TOPIC, "shop-offsets");
        ProducerRecord<byte[], byte[]> letter = written.get(0);
        assertThat(letter.value()).isNull();
        assertThat(new String(letter.headers().lastHeader("sluice.errors.reason").value(), StandardCharsets.UTF_8))
                .isEqualTo("The change to public.orders with key id=9 holds NaN in numeric(p,s) column price, which Kafka "
                        + "Connect's Decimal cannot carry; it is not replicated: declare the column numeric without "
                        + "precision (which carries NaN), then run sluice backfill --table public.orders.");
        assertThat(new String(letter.headers().lastHeader("sluice.errors.stage").value(), StandardCharsets.UTF_8)).isEqualTo("ingest");
        assertThat(letter.headers().lastHeader("sluice.errors.topic")).as("not replayable: the fix is at the source").isNull();
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(committer.processed).containsExactly(end);
    }

    @Test
    void closeAbortsATransactionLeftHalfRead() throws Exception {
        publisher.handleBatch(List.of(event(marker("BEGIN", "BEGIN")), event(change(1))), committer);
        publisher.close();

        assertThat(producer.transactionAborted()).isTrue();
        assertThat(committer.processed).isEmpty();
    }

    private SourceRecord change(int id) {
        Struct row = new Struct(ROW).put("id", id);
        return new SourceRecord(PARTITION, offset("INSERT"), TOPIC, null, ROW, row, ROW, row);
    }

    private SourceRecord marker(String status, String messageType) {
        return new SourceRecord(PARTITION, offset(messageType), "shop.transaction", null, null, null, MARKER,
                new Struct(MARKER).put("status", status));
    }

    private static final Schema SOURCE = SchemaBuilder.struct().field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).field("source", SOURCE).build();

    private static SourceRecord sourced(String snapshot, long lsn, Map<String, ?> offset) {
        Struct value = new Struct(ENVELOPE).put("id", 1).put("source", new Struct(SOURCE).put("snapshot", snapshot).put("lsn", lsn));
        return new SourceRecord(PARTITION, offset, TOPIC, null, ROW, new Struct(ROW).put("id", 1), ENVELOPE, value);
    }

    private static Map<String, Object> snapshotOffset(long lsn, boolean last) {
        Map<String, Object> offset = new HashMap<>();
        offset.put("lsn", lsn);
        offset.put("snapshot", "true");
        offset.put("last_snapshot_record", last);
        return offset;
    }

    private SourceRecord heartbeatTableChange() {
        Struct row = new Struct(ROW).put("id", 1);
        return new SourceRecord(PARTITION, offset("UPDATE"), HEARTBEAT_TABLE, null, ROW, row, ROW, row);
    }

    private SourceRecord heartbeat(String messageType) {
        return new SourceRecord(PARTITION, offset(messageType), "__debezium-heartbeat.shop", null, null, null, null);
    }

    private Map<String, Object> offset(String messageType) {
        Map<String, Object> offset = new HashMap<>();
        offset.put("lsn", ++lsn);
        offset.put("lsn_proc", lsn);
        offset.put("messageType", messageType);
        offset.put("ts_usec", 1_700_000_000_000_000L);
        return offset;
    }

    private static PartitionInfo partition(int p) {
        return new PartitionInfo(TOPIC, p, null, new Node[0], new Node[0]);
    }

    private static RecordChangeEvent<SourceRecord> event(SourceRecord record) {
        return () -> record;
    }

    private static final class Committer implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
        final List<RecordChangeEvent<SourceRecord>> processed = new ArrayList<>();

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record) {
            processed.add(record);
        }

        @Override
        public void markBatchFinished() {
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets sourceOffsets) {
            processed.add(record);
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            return (key, value) -> { };
        }
    }
}
