package dev.sluice.cli.rebuild;

import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.spec.UserSpecs;
import dev.sluice.transforms.errors.DeadLetters;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.replicate.ReplicationSpec;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The names a rebuild runs under, all derived from the live pipeline and the rebuild's name, so that nothing of the
 * shadow touches the live version: application id {@code sluice-<pipeline>__<name>} (own offsets, state and internal
 * topics), output topics whose first part carries {@code __<name>} (the live sink's subscription does not match
 * them), sink connector {@code sluice-warehouse__<name>} (own rows in {@code _sluice_offsets}) and tables
 * {@code <table>__<name>} (own rows in {@code _sluice_progress} and {@code _sluice_frontier}).
 *
 * @param name     the rebuild's name ({@code --as})
 * @param spec     the pipeline spec to rebuild, or null for the replication pipeline
 */
public record Shadow(String name, PipelineSpec spec) {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,29}");
    /** Where the live tables go at promotion; a rebuild may not take it. */
    public static final String PREVIOUS = "previous";

    public Shadow {
        if (name == null || !NAME.matcher(name).matches() || name.equals(PREVIOUS) || name.contains("__")) {
            throw new IllegalArgumentException("--as '" + name + "' is not a rebuild name; use up to 30 lower-case"
                    + " letters, digits and single underscores, starting with a letter (not 'previous'), e.g. v2.");
        }
    }

    public boolean replication() {
        return spec == null;
    }

    /** The live pipeline's name. */
    public String pipeline() {
        return replication() ? ReplicationSpec.DEFAULT_PIPELINE : spec.pipeline();
    }

    public String suffix() {
        return "__" + name;
    }

    /** The shadow's pipeline name: its application id is {@code sluice-} and this, its side topics start with it. */
    public String shadowPipeline() {
        return pipeline() + suffix();
    }

    public String applicationId() {
        return "sluice-" + shadowPipeline();
    }

    /** The sink connector writing the shadow tables; its consumer group is {@code connect-} and this. */
    public String connector() {
        return SinkConnectorConfig.NAME + suffix();
    }

    /** The connector that writes the live tables ({@code sluice connect}, {@code sluice local}). */
    public String liveConnector() {
        return replication() ? SinkConnectorConfig.NAME : SinkConnectorConfig.NAME + "-specs";
    }

    public String shadowTable(String table) {
        return table + suffix();
    }

    /**
     * The shadow connector's {@code table.name.format}: {@code <table>__<name>} while shadowing, the live names once
     * promoted (the rebuild is then the live version and its sink goes on from its own offsets).
     */
    public String tableNameFormat(boolean promoted) {
        return promoted ? "${table}" : "${table}" + suffix();
    }

    /**
     * The live replication pipeline under the shadow name: the same change topics in, row topics
     * {@code replica__<name>.<schema>.<table>} out.
     */
    public ReplicationSpec replicationSpec(ReplicationSpec live) {
        return live.withPipeline(shadowPipeline());
    }

    /** The spec under the shadow name, writing {@link #shadowTemplate}. */
    public PipelineSpec shadowSpec() {
        return new PipelineSpec(shadowPipeline(), spec.source(), spec.steps(),
                new PipelineSpec.Output(shadowTemplate(spec.output().topicTemplate())));
    }

    /**
     * The shadow's output topic template: the first dot-separated part gets {@code __<name>} when it is plain text
     * ({@code revenue.${table}} -> {@code revenue__v2.${table}}), else {@code <name>.} goes in front; either way the
     * last part, which the sink names tables after, stays.
     */
    String shadowTemplate(String template) {
        int dot = template.indexOf('.');
        if (dot > 0 && !template.substring(0, dot).contains("${")) {
            return template.substring(0, dot) + suffix() + template.substring(dot);
        }
        return name + "." + template;
    }

    /** A regex matching every output topic of the shadow: the shadow connector's {@code topics.regex}. */
    public String topicsRegex() {
        // pipeline names hold letters, digits, '_' and '-' only: nothing to quote
        return replication() ? shadowPipeline() + "\\.[^.]+\\.[^.]+"
                : UserSpecs.outputTopicsRegex(List.of(shadowSpec()));
    }

    /** The shadow's side topics (dead letters, late, quarantine). */
    public List<String> sideTopics() {
        String p = shadowPipeline();
        return replication() ? List.of(DeadLetters.topic(p)) : List.of(p + ".dlq", p + ".late", p + ".quarantine");
    }
}
