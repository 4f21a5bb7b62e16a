package dev.sluice.transforms.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The counters of one pipeline, tagged {@code pipeline=<name>}: records read, rows written, duplicates
 * dropped. Counters are registered once per registry and pipeline; asking again returns the same ones.
 */
public record TransformMetrics(Counter recordsIn, Counter recordsOut, Counter duplicates) {

    public static final String RECORDS_IN = "sluice.transforms.records.in";
    public static final String RECORDS_OUT = "sluice.transforms.records.out";
    public static final String DUPLICATES = "sluice.transforms.duplicates";

    public static TransformMetrics of(MeterRegistry registry, String pipeline) {
        return new TransformMetrics(
                Counter.builder(RECORDS_IN).tag("pipeline", pipeline)
                        .description("Change records read from the change topics").register(registry),
                Counter.builder(RECORDS_OUT).tag("pipeline", pipeline)
                        .description("Rows written to the row topics").register(registry),
                Counter.builder(DUPLICATES).tag("pipeline", pipeline)
                        .description("Change events dropped as duplicates").register(registry));
    }
}
