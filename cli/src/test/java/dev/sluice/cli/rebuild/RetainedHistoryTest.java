package dev.sluice.cli.rebuild;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Which input partitions lost records a rebuild has not read, and how the warning says so. */
class RetainedHistoryTest {

    private static final TopicPartition A0 = new TopicPartition("sluice.public.a", 0);
    private static final TopicPartition A1 = new TopicPartition("sluice.public.a", 1);
    private static final TopicPartition B0 = new TopicPartition("sluice.public.b", 0);

    @Test
    void aFirstStartMissesEveryPartitionThatDoesNotStartAtZero() {
        assertThat(RetainedHistory.gaps(Map.of(A1, 5L, A0, 0L, B0, 3L), Map.of())).containsExactly(
                new RetainedHistory.Gap(A1, 0, 5), new RetainedHistory.Gap(B0, 0, 3));
    }

    @Test
    void aResumedRebuildMissesOnlyWhatRetentionTookPastItsCommittedOffset() {
        assertThat(RetainedHistory.gaps(Map.of(A0, 5L, B0, 8L), Map.of(A0, 5L, B0, 6L)))
                .containsExactly(new RetainedHistory.Gap(B0, 6, 8));
    }

    @Test
    void theSentenceSaysWhichRecordsAreGone() {
        assertThat(new RetainedHistory.Gap(B0, 6, 8).sentence("fix it.")).isEqualTo("sluice.public.b-0 starts at offset"
                + " 8, past offset 6 where the rebuild stopped: records 6 to 7 are gone, so the rebuild misses rows they"
                + " alone carried; fix it.");
    }
}
