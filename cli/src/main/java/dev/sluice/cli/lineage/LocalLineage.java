package dev.sluice.cli.lineage;

import dev.sluice.cli.demo.DemoPipelines;
import dev.sluice.cli.local.ReplicationPipeline;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.cli.spec.LocalSpecs;
import dev.sluice.cli.spec.UserSpecs;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;

import java.util.ArrayList;
import java.util.List;

/** The jobs {@code sluice local} runs in its one JVM, each its own OpenLineage job as if run by its own service. */
public final class LocalLineage {

    private LocalLineage() {
    }

    /**
     * @param demoPipelines whether the demo's pipelines and their sink ({@code sluice-warehouse-shop}) run
     * @param specs         the user's specs run beside replication (their sink: {@code sluice-warehouse-specs})
     */
    public static List<JobLineage> jobs(SourceUrl source, ReplicationPipeline pipeline, boolean demoPipelines,
                                        List<PipelineSpec> specs, WarehouseTarget warehouse) {
        List<JobLineage> jobs = new ArrayList<>();
        jobs.add(new IngestJob(IngestSettings.DEFAULT_SLOT_NAME, source, pipeline::tables,
                IngestSettings.DEFAULT_TOPIC_PREFIX));
        jobs.add(PipelineJobs.replication());
        jobs.add(PipelineJobs.replicationSink(SinkConnectorConfig.NAME, warehouse));
        if (demoPipelines) {
            DemoPipelines.specs().forEach(spec -> jobs.add(PipelineJob.ofSpec(spec)));
            jobs.add(SinkJob.of(SinkConnectorConfig.NAME + "-shop", DemoPipelines.WAREHOUSE_TOPICS, warehouse));
        }
        if (!specs.isEmpty()) {
            specs.forEach(spec -> jobs.add(PipelineJob.ofSpec(spec)));
            jobs.add(SinkJob.matching(LocalSpecs.CONNECTOR, UserSpecs.outputTopicsRegex(specs), warehouse));
        }
        return jobs;
    }
}
