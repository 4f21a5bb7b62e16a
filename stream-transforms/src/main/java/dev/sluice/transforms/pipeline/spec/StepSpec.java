package dev.sluice.transforms.pipeline.spec;

import dev.sluice.transforms.dedupe.DedupeWindow;
import dev.sluice.transforms.expect.Rule;
import dev.sluice.transforms.filter.Condition;
import dev.sluice.transforms.mask.MaskRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One validated step of a {@link PipelineSpec}. {@code name} names the step's processors and state stores
 * (default: the step type), so it must stay the same across deployments of a pipeline; {@code line} is where
 * the step was written.
 */
public sealed interface StepSpec {

    String name();

    int line();

    /** The step type as written in YAML. */
    String type();

    /**
     * Windowed dedupe ({@code window} set), or the replication pipeline's first dedupe ({@code retention} set,
     * see {@link dev.sluice.transforms.dedupe.Dedupe}). {@code idFields} empty: the change's LSN + op + key.
     */
    record Dedupe(String name, int line, List<String> idFields, DedupeWindow window, Duration retention)
            implements StepSpec {
        @Override
        public String type() {
            return "dedupe";
        }
    }

    /** Debezium change envelope to row (every column + {@code __source_ts}, {@code __version}, {@code __deleted}). */
    record Unwrap(String name, int line) implements StepSpec {
        @Override
        public String type() {
            return "unwrap";
        }
    }

    record Filter(String name, int line, List<Condition> conditions) implements StepSpec {
        @Override
        public String type() {
            return "filter";
        }
    }

    record Project(String name, int line, List<String> fields) implements StepSpec {
        @Override
        public String type() {
            return "project";
        }
    }

    record Rename(String name, int line, Map<String, String> fields) implements StepSpec {
        @Override
        public String type() {
            return "rename";
        }
    }

    /** {@code saltEnv}: the environment variable holding the secret salt of hashed columns. */
    record Mask(String name, int line, Map<String, MaskRule> fields, String saltEnv) implements StepSpec {
        @Override
        public String type() {
            return "mask";
        }
    }

    record Expect(String name, int line, List<Rule> rules) implements StepSpec {
        @Override
        public String type() {
            return "expect";
        }
    }

    /** Foreign-key table-table join with a dimension row topic, see {@link dev.sluice.transforms.enrich.EnrichStep}. */
    record Enrich(String name, int line, dev.sluice.transforms.enrich.Enrichment enrichment) implements StepSpec {
        @Override
        public String type() {
            return "enrich";
        }
    }

    /** Tumbling-window aggregates with retraction, see {@link dev.sluice.transforms.aggregate.AggregateStep}. */
    record Aggregate(String name, int line, dev.sluice.transforms.aggregate.Aggregation aggregation)
            implements StepSpec {
        @Override
        public String type() {
            return "aggregate";
        }
    }

    /** A user's {@link dev.sluice.transforms.pipeline.CustomStep}, instantiated at compile time. */
    record Custom(String name, int line, Class<? extends dev.sluice.transforms.pipeline.CustomStep> stepClass,
                  Map<String, String> config) implements StepSpec {
        public Custom {
            config = Map.copyOf(config);
        }

        @Override
        public String type() {
            return "custom";
        }
    }
}
