package dev.sluice.cli.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.ingest.load.TableLoadProgress;
import dev.sluice.ingest.source.TableId;
import dev.sluice.transforms.metrics.TransformMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

class StatusLineTest {

    @Test
    void showsDuplicatesLateAndQuarantinedSummedOverEveryPipeline() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TransformMetrics replica = TransformMetrics.of(registry, "replica");
        TransformMetrics orders = TransformMetrics.of(registry, "shop-orders");
        replica.duplicates().increment(1200);
        orders.duplicates().increment(34);
        orders.late().increment(2);
        orders.quarantined().increment(3);
        orders.recordsOut().increment(10);

        PipelineCounters now = PipelineCounters.read(registry);
        PipelineCounters before = PipelineCounters.read(new SimpleMeterRegistry());

        assertThat(now.duplicates()).isEqualTo(1234);
        assertThat(now.late()).isEqualTo(2);
        assertThat(now.quarantined()).isEqualTo(3);
        assertThat(StatusLine.format(now, before, 1, -1, 0))
                .endsWith("| transformed 10 | written 0 (0/s) | lag 0 | freshness n/a"
                        + " | duplicates 1,234 | late 2 | quarantined 3");
    }

    @Test
    void showsEachTableStillLoadingWithItsProgress() {
        PipelineCounters none = PipelineCounters.read(new SimpleMeterRegistry());
        TableId big = new TableId("public", "big");
        List<TableLoadProgress> loads = List.of(
                new TableLoadProgress(big, 40_960, 100_000, true, Duration.ofSeconds(4), false),
                new TableLoadProgress(new TableId("public", "small"), 10, 10, true, Duration.ofSeconds(1), true));

        assertThat(StatusLine.format(none, none, 1, -1, 0, loads))
                .endsWith("| quarantined 0 | load public.big 40,960/100,000 (40%) 10,240 rows/s, 6 s left");
    }
}
