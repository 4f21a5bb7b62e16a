package dev.sluice.cli.rebuild;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TableStatusTest {

    /** An aggregate's progress: no frontier, and a version that counts the updates of a key. */
    private static TableStatus.Progress updates(long version) {
        return new TableStatus.Progress(null, null, version, null);
    }

    @Test
    void withoutFrontiersTheComparedPipelinesDecideNotTheUpdateCounters() {
        // the shadow read history in a burst and updated each window fewer times than the live version did
        TableStatus through = new TableStatus("revenue", "revenue__net", 70, 70L, updates(3), updates(37),
                new TableStatus.Drain(null));
        assertThat(through.caughtUp()).isTrue();
        assertThat(through.line()).endsWith("caught up: yes");

        String behind = "its sink sluice-warehouse__net has read shop__net.revenue-0 to offset 812 of 840";
        TableStatus lagging = new TableStatus("revenue", "revenue__net", 70, 70L, updates(90), updates(37),
                new TableStatus.Drain(behind));
        assertThat(lagging.caughtUp()).as("a higher update count says nothing").isFalse();
        assertThat(lagging.line()).endsWith("caught up: no (" + behind + ")");
    }

    @Test
    void frontiersOnBothSidesDecideWhenThereAreSome() {
        TableStatus.Progress shadow = new TableStatus.Progress(200L, 2_000L, 200L, 2_000L);
        TableStatus.Progress live = new TableStatus.Progress(100L, 1_000L, 300L, 3_000L);
        assertThat(new TableStatus("orders", "orders__v2", 1, 1L, shadow, live, new TableStatus.Drain("behind"))
                .caughtUp()).isTrue();
        assertThat(new TableStatus("orders", "orders__v2", 1, 1L, live, shadow).caughtUp()).isFalse();
    }

    @Test
    void aPositionOneShortOfTheReadCommittedEndIsTheEndSinceACommitMarkerIsLast() {
        assertThat(ShadowDrain.reached(840, 840)).isTrue();
        assertThat(ShadowDrain.reached(839, 840)).isTrue();
        assertThat(ShadowDrain.reached(838, 840)).isFalse();
        assertThat(ShadowDrain.reached(0, 0)).isTrue();
    }
}
