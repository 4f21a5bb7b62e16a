package dev.sluice.cli.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** p50, p95, p99 and max of one latency over one part of a run, in milliseconds; NaN when nothing was recorded. */
record Percentiles(double p50, double p95, double p99, double max) {

    static final Percentiles NONE = new Percentiles(Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    static Percentiles of(double[] values) {
        return new Percentiles(values[0], values[1], values[2], values[3]);
    }

    boolean recorded() {
        return !Double.isNaN(max);
    }

    String text() {
        return recorded() ? String.format("p50 %.0f ms | p95 %.0f ms | p99 %.0f ms | max %.0f ms", p50, p95, p99, max)
                : "nothing recorded";
    }

    /** For the JSON file: null where nothing was recorded (JSON has no NaN). */
    Map<String, Double> json() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("p50", recorded() ? p50 : null);
        m.put("p95", recorded() ? p95 : null);
        m.put("p99", recorded() ? p99 : null);
        m.put("max", recorded() ? max : null);
        return m;
    }
}
