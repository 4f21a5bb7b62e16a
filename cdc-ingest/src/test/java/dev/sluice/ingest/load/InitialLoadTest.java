package dev.sluice.ingest.load;

import dev.sluice.ingest.source.TableId;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the initial load reports from committed reads and Debezium's notifications. */
class InitialLoadTest {

    private static final Schema NOTIFICATION = SchemaBuilder.struct()
            .field("aggregate_type", Schema.STRING_SCHEMA).field("type", Schema.STRING_SCHEMA)
            .field("additional_data", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional().build()).build();
    private static final TableId BIG = new TableId("public", "big");
    private static final TableId SMALL = new TableId("public", "small");

    @Test
    void aTableLoadsUntilItsScanCompletedNotificationIsCommitted() {
        InitialLoad load = new InitialLoad();
        assertThat(load.complete()).as("nothing requested").isTrue();
        load.loading(BIG, 1_000, true, false);
        load.loading(SMALL, 10, true, false);
        load.read(BIG, 400);

        assertThat(load.complete()).isFalse();
        assertThat(load.progress()).extracting(TableLoadProgress::rows).containsExactly(400L, 0L);

        load.notified(notification("TABLE_SCAN_COMPLETED", Map.of("data_collection", "shop.public.big", "status", "SUCCEEDED")));
        assertThat(load.progress()).extracting(TableLoadProgress::done).containsExactly(true, false);
        assertThat(load.complete()).isFalse();

        load.notified(notification("IN_PROGRESS", Map.of("data_collections", "public.small")));
        assertThat(load.complete()).isFalse();
        load.notified(notification("COMPLETED", Map.of()));
        assertThat(load.complete()).isTrue();
    }

    @Test
    void rowsUpdatedDuringTheLoadLeavingToastOutAreReadAgainAndTheLoadEndsWithThatRead() {
        InitialLoad load = new InitialLoad();
        java.util.List<java.util.List<Struct>> requested = new java.util.ArrayList<>();
        load.onRereadNeeded((table, keys) -> requested.add(keys));
        Schema key = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
        load.unchangedToast(BIG, new Struct(key).put("id", 1)); // not loading: nothing to repair
        load.loading(BIG, 1_000, true, false);
        load.unchangedToast(BIG, new Struct(key).put("id", 5));
        load.unchangedToast(BIG, new Struct(key).put("id", 5));
        load.unchangedToast(BIG, new Struct(key).put("id", 9));

        load.notified(notification("TABLE_SCAN_COMPLETED", Map.of("scanned_collection", "public.big")));
        load.notified(withId("load-signal", "COMPLETED"));
        assertThat(requested).singleElement().satisfies(keys -> assertThat(keys).extracting(k -> k.get("id"))
                .containsExactly(5, 9));
        assertThat(load.complete()).as("the re-read is being requested").isFalse();
        load.rereadSignalled(BIG, "reread-1");
        load.rereadRequested(BIG, false);
        assertThat(load.complete()).as("the re-read runs").isFalse();
        load.unchangedToast(BIG, new Struct(key).put("id", 11)); // during the re-read's own window

        load.notified(withId("reread-1", "COMPLETED"));
        assertThat(requested).hasSize(2);
        assertThat(requested.get(1)).extracting(k -> k.get("id")).containsExactly(11);
        load.rereadSignalled(BIG, "reread-2");
        load.rereadSignalled(BIG, "reread-3"); // more keys than one signal holds
        load.rereadRequested(BIG, false);
        load.notified(withId("someone-else", "COMPLETED"));
        assertThat(load.complete()).isFalse();
        // Debezium adds a signal that comes while its snapshot runs to that snapshot, named after the latest signal
        load.notified(withId("reread-3", "COMPLETED"));
        assertThat(load.complete()).isTrue();
        assertThat(load.rereadRows()).isEqualTo(3);
    }

    @Test
    void aReReadThatCannotBeRequestedEndsTheLoad() {
        InitialLoad load = new InitialLoad();
        Schema key = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
        load.loading(BIG, 1_000, true, false);
        load.unchangedToast(BIG, new Struct(key).put("id", 5));
        load.notified(notification("TABLE_SCAN_COMPLETED", Map.of("data_collection", "public.big")));
        assertThat(load.complete()).isFalse();
        load.rereadRequested(BIG, true);
        assertThat(load.complete()).isTrue();
    }

    private static Struct withId(String id, String type) {
        Schema schema = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA)
                .field("aggregate_type", Schema.STRING_SCHEMA).field("type", Schema.STRING_SCHEMA).build();
        return new Struct(schema).put("id", id).put("aggregate_type", "Incremental Snapshot").put("type", type);
    }

    @Test
    void aScanOfAnotherTableWithASimilarNameDoesNotCount() {
        InitialLoad load = new InitialLoad();
        load.loading(BIG, 1_000, true, false);
        load.notified(notification("TABLE_SCAN_COMPLETED", Map.of("data_collection", "public.bigger")));
        assertThat(load.complete()).isFalse();
    }

    @Test
    void aScanNamedAsTheQuotedSignalWroteItCounts() {
        InitialLoad load = new InitialLoad();
        load.loading(BIG, 1_000, true, false);
        load.notified(notification("TABLE_SCAN_COMPLETED", Map.of("data_collection", "\"public\".\"big\"")));
        assertThat(load.complete()).isTrue();
    }

    @Test
    void progressShowsRowsOfTheEstimateRateAndTimeLeft() {
        TableLoadProgress half = new TableLoadProgress(BIG, 50_000, 1_000_000, false, Duration.ofSeconds(5), false);
        assertThat(half.line()).isEqualTo("public.big 50,000/~1,000,000 (5%) 10,000 rows/s, 95 s left");
        assertThat(new TableLoadProgress(BIG, 1_000, 1_000, true, Duration.ofSeconds(1), true).line())
                .isEqualTo("public.big loaded: 1,000 rows");
        assertThat(new TableLoadProgress(BIG, 0, 1_000, true, Duration.ofSeconds(1), false).remaining()).isEmpty();
        assertThat(new TableLoadProgress(BIG, 100_000, 100_000, true, Duration.ofMillis(8_000), true).completionLine())
                .isEqualTo("Initial load of public.big complete: 100,000 rows in 8.0 s (12,500 rows/s).");
    }

    private static Struct notification(String type, Map<String, String> data) {
        return new Struct(NOTIFICATION).put("aggregate_type", "Incremental Snapshot").put("type", type).put("additional_data", data);
    }
}
