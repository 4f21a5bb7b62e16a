package dev.sluice.embedded;

import java.util.Map;

/** Broker settings that make one node a complete cluster: every internal topic fits on it. */
public final class SingleNodeBrokerSettings {

    private SingleNodeBrokerSettings() {
    }

    public static Map<String, Object> asMap() {
        return Map.of(
                "offsets.topic.replication.factor", "1",
                "offsets.topic.num.partitions", "5",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                "transaction.state.log.num.partitions", "5",
                "share.coordinator.state.topic.replication.factor", "1",
                "share.coordinator.state.topic.min.isr", "1",
                "group.initial.rebalance.delay.ms", "0",
                "auto.create.topics.enable", "false",
                "default.replication.factor", "1");
    }
}
