package dev.sluice.transforms.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The counters of one pipeline, tagged {@code pipeline=<name>}: records read, rows written, duplicates
 * dropped, records too late to dedupe (sent to {@code <pipeline>.late}), records that failed a quality rule
 * (sent to {@code <pipeline>.quarantine}). Counters are registered once per registry and pipeline; asking
 * again returns the same ones.
 */
public record TransformMetrics(Counter recordsIn, Counter recordsOut, Counter duplicates, Counter late,
                               Counter quarantined) {

    public static final String RECORDS_IN = "sluice.transforms.records.in";
    public static final String RECORDS_OUT = "sluice.transforms.records.out";
    public static final String DUPLICATES = "sluice.transforms.duplicates";
    public static final String LATE = "sluice.transforms.late";
    public static final String QUARANTINED = "sluice.transforms.quarantined";

    public static final String STEP_IN = "sluice.transforms.step.in";
    public static final String STEP_OUT = "sluice.transforms.step.out";
    public static final String STEP_DUPLICATES = "sluice.transforms.step.duplicates";
    public static final String STEP_LATE = "sluice.transforms.step.late";
    public static final String STEP_QUARANTINED = "sluice.transforms.step.quarantined";

    /**
     * Records into ({@link #STEP_IN}) or out of ({@link #STEP_OUT}) one step of a spec, tagged {@code pipeline}
     * and {@code step}: the difference is what the step dropped (duplicates, filtered rows) or sent to a side
     * topic; an aggregate's out counts the rows it emitted.
     */
    public static Counter step(MeterRegistry registry, String meter, String pipeline, String step) {
        return Counter.builder(meter).tag("pipeline", pipeline).tag("step", step)
                .description(switch (meter) {
                    case STEP_IN -> "Records into a pipeline step";
                    case STEP_OUT -> "Records out of a pipeline step";
                    case STEP_DUPLICATES -> "Change events a pipeline step dropped as duplicates";
                    case STEP_LATE -> "Records a pipeline step sent to <pipeline>.late";
                    default -> "Records a pipeline step sent to <pipeline>.quarantine";
                })
                .register(registry);
    }

    /**
     * These counters as one step of a spec counts into them: its duplicates, late and quarantined records count
     * in the pipeline's totals and also in {@link #STEP_DUPLICATES}, {@link #STEP_LATE}, {@link #STEP_QUARANTINED}
     * (tags {@code pipeline}, {@code step}), each registered with its step's first record of that kind so a
     * step that cannot drop or divert shows no such counter. Separate meters rather than a {@code step} tag on the
     * totals: one meter name keeps one tag set (Prometheus needs it) and the totals keep their readers.
     */
    public TransformMetrics forStep(MeterRegistry registry, String pipeline, String step) {
        return new TransformMetrics(recordsIn, recordsOut,
                new StepCounter(duplicates, () -> step(registry, STEP_DUPLICATES, pipeline, step)),
                new StepCounter(late, () -> step(registry, STEP_LATE, pipeline, step)),
                new StepCounter(quarantined, () -> step(registry, STEP_QUARANTINED, pipeline, step)));
    }

    public static TransformMetrics of(MeterRegistry registry, String pipeline) {
        return new TransformMetrics(
                Counter.builder(RECORDS_IN).tag("pipeline", pipeline)
                        .description("Change records read from the change topics").register(registry),
                Counter.builder(RECORDS_OUT).tag("pipeline", pipeline)
                        .description("Rows written to the row topics").register(registry),
                Counter.builder(DUPLICATES).tag("pipeline", pipeline)
                        .description("Change events dropped as duplicates").register(registry),
                Counter.builder(LATE).tag("pipeline", pipeline)
                        .description("Records too late to dedupe, sent to <pipeline>.late").register(registry),
                Counter.builder(QUARANTINED).tag("pipeline", pipeline)
                        .description("Records that failed a quality rule, sent to <pipeline>.quarantine")
                        .register(registry));
    }
}
