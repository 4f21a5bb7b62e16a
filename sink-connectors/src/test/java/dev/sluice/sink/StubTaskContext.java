package dev.sluice.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * Records what a task asks of its worker (seeks, dead letters), for driving a task without a worker. Has a dead-letter
 * queue unless {@code errors.tolerance=none}.
 */
final class StubTaskContext implements SinkTaskContext {
    final Map<TopicPartition, Long> seeks = new HashMap<>();
    final List<SinkRecord> deadLetters = new ArrayList<>();
    private final Map<String, String> configs;

    StubTaskContext(Map<String, String> configs) {
        this.configs = configs;
    }

    @Override public Map<String, String> configs() { return configs; }
    @Override public void offset(Map<TopicPartition, Long> offsets) { seeks.putAll(offsets); }
    @Override public void offset(TopicPartition tp, long offset) { seeks.put(tp, offset); }
    @Override public void timeout(long timeoutMs) { }
    @Override public Set<TopicPartition> assignment() { return Set.of(); }
    @Override public void pause(TopicPartition... partitions) { }
    @Override public void resume(TopicPartition... partitions) { }
    @Override public void requestCommit() { }
    @Override public PluginMetrics pluginMetrics() { return null; }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        if ("none".equals(configs.get("errors.tolerance"))) {
            return null; // no dead-letter topic
        }
        return (record, error) -> {
            deadLetters.add(record);
            return CompletableFuture.completedFuture(null);
        };
    }
}
