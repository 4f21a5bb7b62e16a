package dev.sluice.cli.chaos;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice chaos --scale} in the build, with short steps: transforms at 1, 3 (one SIGKILLed during the
 * rebalance), 3 and 1 instances, Connect workers at 1, 1, 2 and 1, each in its own JVM under a steady load; every
 * step moves rows, and after the drain nothing is missing, extra or different.
 */
class ScaleIT {

    @Test
    void rowsKeepMovingAndArriveExactlyWhileInstancesComeAndGo(@TempDir Path dir) throws Exception {
        ScaleRun.ScaleReport report = new ScaleRun(new ScaleRun.Settings(Duration.ofSeconds(12), 300, dir, 3), System.out).run();

        assertThat(report.steps()).extracting(ScaleRun.StepFigures::transforms).containsExactly(1, 3, 3, 1);
        assertThat(report.steps()).extracting(ScaleRun.StepFigures::workers).containsExactly(1, 1, 2, 1);
        assertThat(report.steps()).allSatisfy(step -> {
            assertThat(step.span().rowsPerSecond()).as(step.line()).isPositive();
            assertThat(step.span().sinkPerSecond()).as(step.line()).isPositive();
        });
        ChaosReport outcome = report.outcome();
        System.out.println(outcome.summary());
        assertThat(outcome.killed()).containsExactly("transform-2");
        assertThat(outcome.complete()).as("every table's frontier reached the source position at which the load stopped").isTrue();
        assertThat(outcome.rowsCompared()).isGreaterThan(1_000);
        assertThat(outcome.rowsMissing()).isZero();
        assertThat(outcome.rowsExtra()).isZero();
        assertThat(outcome.rowsDifferent()).isZero();
        assertThat(outcome.sinkOffsetsMatch()).as("_sluice_offsets equals the sink's committed position").isTrue();
    }
}
