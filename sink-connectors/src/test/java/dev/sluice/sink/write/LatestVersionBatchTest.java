package dev.sluice.sink.write;

import static dev.sluice.sink.write.Rows.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.sink.config.TableNameFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class LatestVersionBatchTest {
    private final RowRecordParser parser = new RowRecordParser(new TableNameFormat("${table}"));
    private final LatestVersionBatch batch = new LatestVersionBatch();

    private void add(SinkRecord record) {
        batch.add(parser.parse(record));
    }

    private List<String> notes() {
        return batch.rowsByTable().get("orders").stream()
                .map(r -> r.columns().get("note").value() + "@" + r.version()).toList();
    }

    @Test
    void aHistoryTableKeepsEveryVersionOnceAndAnEmptyCopyKeepsTheTables() {
        LatestVersionBatch history = new LatestVersionBatch(java.util.Set.of("orders"));
        history.add(parser.parse(row(0, 0, "eu", 1, "a", 10, false)));
        history.add(parser.parse(row(0, 1, "eu", 1, "b", 20, false)));
        history.add(parser.parse(row(1, 0, "eu", 1, "a-again", 10, false))); // a duplicate of version 10
        history.add(parser.parse(row(0, 2, "eu", 1, null, 15, true)));
        assertThat(history.versionsByTable().get("orders")).extracting(r -> r.columns().get("note").value() + "@" + r.version())
                .containsExactly("a-again@10", "b@20", "null@15");
        assertThat(history.rowsByTable().get("orders")).extracting(RowRecord::version).containsExactly(20L);
        history.drop(List.of(new TopicPartition("replica.public.orders", 1)));
        assertThat(history.versionsByTable().get("orders")).extracting(RowRecord::version).containsExactly(20L, 15L);
        assertThat(history.empty().keepsHistory("orders")).isTrue();
        assertThat(batch.versionsByTable()).isEmpty();
    }

    @Test
    void aRefusedRowIsLeftOutOfTheWriteButItsRecordAndOffsetAreKept() {
        SinkRecord refusedRecord = row(0, 1, "eu", 1, "bad", 20, false);
        batch.add(parser.parse(row(0, 0, "eu", 1, "a", 10, false)), row(0, 0, "eu", 1, "a", 10, false));
        batch.add(parser.parse(refusedRecord), refusedRecord);
        batch.add(parser.parse(row(0, 2, "us", 1, "c", 5, false)), row(0, 2, "us", 1, "c", 5, false));
        RowRecord refused = batch.rowsByTable().get("orders").iterator().next();

        assertThat(batch.source(refused)).isSameAs(refusedRecord);
        batch.refuse(refused);

        assertThat(notes()).containsExactly("c@5");
        assertThat(batch.nextOffsets()).containsEntry(new TopicPartition("replica.public.orders", 0), 3L);
    }

    @Test
    void keepsOnlyTheNewestVersionPerKey() {
        add(row(0, 0, "eu", 1, "a", 10, false));
        add(row(0, 1, "eu", 1, "b", 20, false));
        add(row(0, 2, "us", 1, "c", 5, false));
        assertThat(notes()).containsExactly("b@20", "c@5");
        assertThat(batch.size()).isEqualTo(3);
    }

    @Test
    void anOlderVersionAfterANewerOneLoses() {
        add(row(0, 0, "eu", 1, "new", 20, false));
        add(row(0, 1, "eu", 1, "old", 10, false));
        assertThat(notes()).containsExactly("new@20");
    }

    @Test
    void theSameVersionDeliveredTwiceKeepsTheLaterRecord() {
        add(row(0, 0, "eu", 1, "first", 10, false));
        add(row(0, 1, "eu", 1, "again", 10, false));
        assertThat(notes()).containsExactly("again@10");
    }

    @Test
    void aNewerDeleteKeepsTheLiveRowBeforeItSoItsColumnsSurvive() {
        add(row(0, 0, "eu", 1, "a", 10, false));
        add(row(0, 1, "eu", 1, "b", 11, false));
        add(row(0, 2, "eu", 1, null, 12, true));
        assertThat(notes()).containsExactly("b@11", "null@12");
    }

    @Test
    void aNewerInsertAfterADeleteLeavesOnlyTheInsert() {
        add(row(0, 0, "eu", 1, null, 10, true));
        add(row(0, 1, "eu", 1, "back", 11, false));
        assertThat(notes()).containsExactly("back@11");
    }

    @Test
    void tracksTheNextOffsetPerPartitionIncludingSkippedRecords() {
        add(row(0, 4, "eu", 1, "a", 10, false));
        add(row(1, 7, "eu", 2, "a", 10, false));
        batch.consumed(new TopicPartition("replica.public.orders", 0), 5);
        assertThat(batch.nextOffsets()).isEqualTo(Map.of(
                new TopicPartition("replica.public.orders", 0), 6L, new TopicPartition("replica.public.orders", 1), 8L));
    }

    @Test
    void droppingAPartitionForgetsItsRows() {
        add(row(0, 0, "eu", 1, "a", 10, false));
        add(row(1, 0, "eu", 2, "b", 10, false));
        batch.drop(List.of(new TopicPartition("replica.public.orders", 1)));
        assertThat(notes()).containsExactly("a@10");
        assertThat(batch.nextOffsets()).containsOnlyKeys(new TopicPartition("replica.public.orders", 0));
    }

    @Test
    void parserPutsKeyColumnsFirstAndMetadataLast() {
        RowRecord r = parser.parse(row(0, 0, "eu", 1, "a", 10, false));
        assertThat(r.table()).isEqualTo("orders");
        assertThat(r.keyColumns()).containsExactly("region", "id");
        assertThat(r.columns().keySet()).containsExactly("region", "id", "note", "__source_ts", "__version", "__deleted");
    }

    @Test
    void recordsWithoutVersionOrStructKeyAreRejected() {
        SinkRecord noKey = new SinkRecord("t", 0, Schema.STRING_SCHEMA, "x", Rows.VALUE,
                row(0, 0, "eu", 1, "a", 1, false).value(), 3);
        assertThatThrownBy(() -> parser.parse(noKey)).isInstanceOf(DataException.class).hasMessageContaining("t-0@3");
        SinkRecord tombstone = new SinkRecord("t", 0, Rows.KEY, row(0, 0, "eu", 1, "a", 1, false).key(), null, null, 4);
        assertThat(parser.parse(tombstone)).isNull();
    }
}
