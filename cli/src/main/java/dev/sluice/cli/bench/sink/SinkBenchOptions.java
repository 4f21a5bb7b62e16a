package dev.sluice.cli.bench.sink;

import picocli.CommandLine.ParseResult;

import java.nio.file.Path;
import java.util.List;

/**
 * Which of {@code sluice bench}'s options belong to which mode: the pipeline's (workload, stage, initial load) or the
 * sink alone's ({@code --sink}, {@code --compare}). An option of the other mode is refused rather than ignored, so
 * {@code --stage sink} and {@code --sink} cannot be mistaken for each other.
 */
public final class SinkBenchOptions {

    private static final List<String> PIPELINE_ONLY = List.of("--rate", "--duration", "--warm-up", "--row-width", "--tables",
            "--warehouse", "--stage", "--initial-load", "--debezium");
    private static final List<String> SINK_ONLY = List.of("--records", "--partitions", "--tasks", "--compare-plugin-path");

    private SinkBenchOptions() {
    }

    /** @param sinkAlone whether {@code --sink} or {@code --compare} was given */
    public static void checkMode(ParseResult parsed, boolean sinkAlone) {
        for (String option : sinkAlone ? PIPELINE_ONLY : SINK_ONLY) {
            if (parsed.hasMatchedOption(option)) {
                throw new IllegalArgumentException(sinkAlone
                        ? option + " does not apply to --sink or --compare (the sink alone on generated changes); drop one of them."
                        : option + " applies only to the sink alone; add --sink (or --compare) or drop " + option + ".");
            }
        }
    }

    /** The run's settings; with {@code compare}, the plugin path given or the build's, refused when the plugin is not there. */
    public static SinkBench.Settings settings(int records, int partitions, int tasks, boolean compare, Path comparePluginPath) {
        if (!compare && comparePluginPath != null) {
            throw new IllegalArgumentException("--compare-plugin-path applies only with --compare; add --compare or drop it.");
        }
        Path plugins = compare ? DebeziumJdbcSink.checkPluginPath(comparePluginPath == null
                ? DebeziumJdbcSink.defaultPluginPath() : comparePluginPath) : null;
        return new SinkBench.Settings(records, partitions, tasks, plugins);
    }
}
