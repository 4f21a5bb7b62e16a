package dev.sluice.cli.chaos;

import dev.sluice.cli.local.WarehouseKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sink's promise under fire: the Connect worker process alone is SIGKILLed four times during a
 * load into DuckDB (one writer per file, so a killed worker leaves the file mid-transaction). After
 * restarts the warehouse equals the source and {@code _sluice_offsets} equals the committed position.
 */
class ConnectWorkerKillIT {

    @Test
    void killedConnectWorkerLosesAndDoublesNothing(@TempDir Path dir) throws Exception {
        ChaosReport report = new ChaosRun(new ChaosRun.Settings(4, Duration.ofSeconds(60), 400, WarehouseKind.duckdb, dir,
                7L, List.of("connect")), System.out).run();

        System.out.println(report.summary());
        assertThat(report.killed()).hasSize(4).containsOnly("connect");
        assertThat(report.rowsCompared()).isGreaterThan(1_000);
        assertThat(report.complete()).as("every table's frontier reached the source position at which the load stopped").isTrue();
        assertThat(report.rowsMissing()).isZero();
        assertThat(report.rowsExtra()).isZero();
        assertThat(report.rowsDifferent()).isZero();
        assertThat(report.sinkOffsetsMatch()).as("_sluice_offsets equals the sink's committed position").isTrue();
    }
}
