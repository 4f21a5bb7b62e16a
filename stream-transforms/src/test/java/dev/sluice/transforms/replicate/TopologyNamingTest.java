package dev.sluice.transforms.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.transforms.dedupe.Dedupe;
import dev.sluice.transforms.testkit.InMemorySchemaRegistry;
import dev.sluice.transforms.replicate.wire.ReplicationSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.TopologyDescription;
import org.junit.jupiter.api.Test;

/** Names are part of the deployed state: a renamed store would start empty after an upgrade. */
class TopologyNamingTest {

    @Test
    void processorsAndStoresHaveStableNames() {
        TopologyDescription description = ReplicationTopology.build(ReplicationSpec.defaults(),
                ReplicationSerdes.of(new InMemorySchemaRegistry()), new SimpleMeterRegistry()).describe();

        assertThat(description.subtopologies()).hasSize(1);
        TopologyDescription.Subtopology only = description.subtopologies().iterator().next();
        assertThat(only.nodes()).extracting(TopologyDescription.Node::name).containsExactlyInAnyOrder(
                ReplicationTopology.SOURCE, "count-in", "skip-tombstones", Dedupe.PROCESSOR, "unwrap", "count-out",
                ReplicationTopology.SINK, "heartbeats", "heartbeat-sink");
        TopologyDescription.Processor dedupe = only.nodes().stream()
                .filter(n -> n.name().equals(Dedupe.PROCESSOR)).map(TopologyDescription.Processor.class::cast)
                .findFirst().orElseThrow();
        assertThat(dedupe.stores()).containsExactlyInAnyOrder(Dedupe.SEEN_STORE, Dedupe.EXPIRY_STORE);
    }
}
