package dev.sluice.transforms.pipeline.spec;

import dev.sluice.transforms.dedupe.Dedupe;
import dev.sluice.transforms.dedupe.DedupeSpec;
import dev.sluice.transforms.replicate.ReplicationSpec;
import dev.sluice.transforms.unwrap.UnwrapSpec;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A validated pipeline: where records come from, the steps they go through, where they go. Load one with
 * {@link PipelineSpecParser}; compile it with {@link dev.sluice.transforms.pipeline.PipelineTopology}.
 *
 * @param pipeline name: application id {@code sluice-<pipeline>}, side topics {@code <pipeline>.late},
 *                 {@code <pipeline>.quarantine}, {@code <pipeline>.dlq}
 * @param source   the input topics
 * @param steps    in order
 * @param output   the output topic template
 */
public record PipelineSpec(String pipeline, Source source, List<StepSpec> steps, Output output) {

    public PipelineSpec {
        steps = List.copyOf(steps);
    }

    /**
     * The input: a fixed list of topics or a pattern (new matching topics are picked up), carrying Debezium
     * change envelopes ({@link Format#CHANGE}, cdc-ingest's change topics) or rows ({@link Format#ROW}).
     */
    public record Source(List<String> topics, Pattern pattern, Format format) {
        public Source {
            topics = topics == null ? List.of() : List.copyOf(topics);
        }
    }

    public enum Format { CHANGE, ROW }

    /**
     * @param topicTemplate output topic; {@code ${schema}}, {@code ${table}} (the last two dot-separated parts of
     *                      the source topic) and {@code ${topic}} (the whole source topic) are replaced per record
     */
    public record Output(String topicTemplate) {

        /** The output topic of a record read from {@code sourceTopic}. */
        public String topicFor(String sourceTopic) {
            if (!topicTemplate.contains("${")) {
                return topicTemplate; // also for records without a source topic (punctuations)
            }
            String[] parts = sourceTopic.split("\\.");
            String schema = parts.length >= 2 ? parts[parts.length - 2] : "";
            String table = parts[parts.length - 1];
            return topicTemplate.replace("${schema}", schema).replace("${table}", table)
                    .replace("${topic}", sourceTopic);
        }
    }

    public String lateTopic() {
        return pipeline + ".late";
    }

    public String quarantineTopic() {
        return pipeline + ".quarantine";
    }

    /** Where {@code sluice replay --quarantine} sends quarantined records back in (when a step quarantines). */
    public String requeueTopic() {
        return pipeline + ".requeue";
    }

    /** True when a step may quarantine records, so the pipeline reads {@link #requeueTopic()}. */
    public boolean quarantines() {
        return steps.stream().anyMatch(StepSpec::quarantines);
    }

    public String dlqTopic() {
        return pipeline + ".dlq";
    }

    /**
     * The replication pipeline of {@code spec} as a pipeline spec: every change topic, the first dedupe
     * with its retention, unwrap, one row topic per table. Compiles to the same topology as
     * {@link dev.sluice.transforms.replicate.ReplicationTopology}.
     */
    public static PipelineSpec replication(ReplicationSpec spec) {
        return new PipelineSpec(spec.pipeline(),
                new Source(List.of(), spec.inputPattern(), Format.CHANGE),
                List.of(new DedupeSpec(Dedupe.PROCESSOR, 0, List.of(), null, spec.dedupeRetention()),
                        new UnwrapSpec("unwrap", 0)),
                new Output(spec.pipeline() + ".${schema}.${table}"));
    }
}
