package dev.sluice.cli.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class StageCpuTest {

    @Test
    void threadsAreToldApartByTheNamesTheirLibrariesGiveThem() {
        assertThat(StageCpu.stageOf("debezium-postgresconnector-sluice-change-event-source-coordinator"))
                .isEqualTo("ingest: Debezium (WAL decoding)");
        assertThat(StageCpu.stageOf("sluice-ingest-engine")).isEqualTo("ingest: publisher and producer");
        assertThat(StageCpu.stageOf("kafka-producer-network-thread | sluice-ingest-sluice"))
                .isEqualTo("ingest: publisher and producer");
        assertThat(StageCpu.stageOf("sluice-replica-3f2a-StreamThread-1")).isEqualTo("transforms");
        assertThat(StageCpu.stageOf("kafka-producer-network-thread | sluice-replica-3f2a-StreamThread-1-producer"))
                .isEqualTo("transforms");
        assertThat(StageCpu.stageOf("task-thread-sluice-warehouse-0-writer")).isEqualTo("sink (Connect task)");
        assertThat(StageCpu.stageOf("data-plane-kafka-request-handler-3")).isEqualTo("broker");
        StackTraceElement sinkTask = new StackTraceElement("org.apache.kafka.connect.runtime.WorkerSinkTask", "poll",
                null, 1);
        assertThat(StageCpu.stageOf("pool-7-thread-1", new StackTraceElement[] {sinkTask})).isEqualTo(StageCpu.SINK);
        StackTraceElement engine = new StackTraceElement("io.debezium.embedded.async.AsyncEmbeddedEngine", "run", null, 1);
        assertThat(StageCpu.stageOf("pool-3-thread-2", new StackTraceElement[] {engine})).isEqualTo(StageCpu.PUBLISHER);
    }

    @Test
    void aBusyThreadsTimeIsCountedInItsStage() throws Exception {
        StageCpu cpu = StageCpu.start();
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch measured = new CountDownLatch(1);
        Thread busy = new Thread(() -> {
            long end = System.nanoTime() + 300_000_000L;
            while (System.nanoTime() < end) {
                Thread.onSpinWait();
            }
            spun.countDown();
            try {
                measured.await();
            } catch (InterruptedException ignored) {
                // ending anyway
            }
        }, "test-app-StreamThread-1");
        busy.start();
        spun.await();

        Map<String, Double> seconds = cpu.secondsByStage();
        measured.countDown();
        busy.join();

        assertThat(seconds.get("transforms")).isGreaterThan(0.2);
        assertThat(seconds.get("ingest: Debezium (WAL decoding)")).isLessThan(0.01);
        assertThat(seconds).containsKeys(StageCpu.GC, StageCpu.JIT, StageCpu.REST);
    }
}
