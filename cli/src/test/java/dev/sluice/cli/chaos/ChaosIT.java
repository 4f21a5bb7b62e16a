package dev.sluice.cli.chaos;

import dev.sluice.cli.local.WarehouseKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short chaos round in the build: the three services in their own JVMs, a shop workload, three
 * SIGKILLs of random services (one of each with this seed's schedule is not guaranteed: any mix
 * must hold), then source and warehouse compared row by row.
 */
class ChaosIT {

    @Test
    void warehouseEqualsSourceAfterServicesAreKilledDuringALoad(@TempDir Path dir) throws Exception {
        ChaosReport report = new ChaosRun(
                new ChaosRun.Settings(3, Duration.ofSeconds(60), 300, WarehouseKind.postgres, dir, 20261126L, null), System.out).run();

        System.out.println(report.summary());
        assertThat(report.kills()).isEqualTo(3);
        assertThat(report.changesMade()).isGreaterThan(10_000);
        assertThat(report.rowsCompared()).isGreaterThan(1_000);
        assertThat(report.complete()).as("every table's frontier reached the source position at which the load stopped").isTrue();
        assertThat(report.rowsMissing()).isZero();
        assertThat(report.rowsExtra()).isZero();
        assertThat(report.rowsDifferent()).isZero();
        assertThat(report.consistent()).isTrue();
        assertThat(report.sinkOffsetsMatch()).as("_sluice_offsets equals the sink's committed position").isTrue();
    }
}
