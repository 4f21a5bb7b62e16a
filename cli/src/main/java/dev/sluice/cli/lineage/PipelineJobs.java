package dev.sluice.cli.lineage;

import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.transforms.errors.DeadLetters;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.replicate.ReplicationSpec;

import java.util.List;

/** The jobs of the replication path, as every command that runs a part of it reports them. */
public final class PipelineJobs {

    private PipelineJobs() {
    }

    /** The replication pipeline: change topics into row topics, dead letters to {@code replica.dlq}. */
    public static PipelineJob replication() {
        ReplicationSpec spec = ReplicationSpec.defaults();
        return new PipelineJob(PipelineSpec.replication(spec), List.of(DeadLetters.topic(spec.pipeline())));
    }

    /** A sink connector of the replication pipeline's row topics (its {@code topics.regex}). */
    public static SinkJob replicationSink(String connector, WarehouseTarget warehouse) {
        return SinkJob.matching(connector, SinkConnectorConfig.forWarehouse(warehouse, "http://unused").get("topics.regex"),
                warehouse);
    }
}
