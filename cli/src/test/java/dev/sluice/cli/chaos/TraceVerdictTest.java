package dev.sluice.cli.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class TraceVerdictTest {
    private static final TopicPartition CHANGES = new TopicPartition("sluice.public.orders", 1);
    private static final TopicPartition ROWS = new TopicPartition("replica.public.orders", 2);

    private static TraceVerdict.Seen change(long offset, boolean committed, String op, long lsn) {
        return new TraceVerdict.Seen(CHANGES, offset, committed, "op=" + op, lsn);
    }

    private static TraceVerdict.Seen row(long offset, boolean committed, long version) {
        return new TraceVerdict.Seen(ROWS, offset, committed, "__deleted=false", version);
    }

    @Test
    void updateMissingFromTheChangeTopicBlamesIngest() {
        String verdict = TraceVerdict.explain(List.of(change(10, true, "c", 100), change(40, false, "u", 300)),
                List.of(row(7, true, 100)), 100L, Map.of(ROWS, 50L));
        assertThat(verdict).contains("ingest lost it").contains("uncommitted on the change topic: version 300 at "
                + CHANGES + "@40");
    }

    @Test
    void committedChangeWithoutCommittedRowBlamesTransforms() {
        String verdict = TraceVerdict.explain(List.of(change(10, true, "c", 100), change(40, true, "u", 300)),
                List.of(row(7, true, 100), row(30, false, 300)), 100L, Map.of(ROWS, 50L));
        assertThat(verdict).contains("the transforms lost it").contains("only uncommitted at " + ROWS + "@30");
    }

    @Test
    void committedRowBelowTheStoredOffsetBlamesTheSink() {
        String verdict = TraceVerdict.explain(List.of(change(10, true, "c", 100), change(40, true, "u", 300)),
                List.of(row(7, true, 100), row(30, true, 300)), 100L, Map.of(ROWS, 50L));
        assertThat(verdict).contains("below the sink's stored next offset 50").contains("the sink lost it");
    }

    @Test
    void committedRowBeyondTheStoredOffsetSaysTheSinkHadNotReachedIt() {
        String verdict = TraceVerdict.explain(List.of(change(10, true, "c", 100), change(40, true, "u", 300)),
                List.of(row(7, true, 100), row(30, true, 300)), 100L, Map.of(ROWS, 30L));
        assertThat(verdict).contains("had not reached it");
    }

    @Test
    void keyWithoutAnyCommittedChangeBlamesIngest() {
        assertThat(TraceVerdict.explain(List.of(), List.of(), null, Map.of())).contains("ingest never published it");
    }
}
