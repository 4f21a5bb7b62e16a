package dev.sluice.sink.metrics;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusRestExtensionTest {

    private final PrometheusRestExtension extension = new PrometheusRestExtension();

    @BeforeEach
    void configure() {
        extension.configure(Map.of());
    }

    @AfterEach
    void close() {
        extension.close();
    }

    @Test
    void sinkMetersRecordedAfterTheWorkerStartedAreServed() {
        SinkMetrics sink = new SinkMetrics();
        sink.upserted("orders", 3);
        sink.freshness("orders", Duration.ofMillis(1500));

        String scrape = extension.resource().scrape();

        assertThat(scrape)
                .contains("sluice_sink_rows_upserted_total{table=\"orders\"} 3.0")
                .contains("sluice_sink_freshness_seconds_count{table=\"orders\"} 1")
                .contains("jvm_memory_used_bytes");
    }
}
