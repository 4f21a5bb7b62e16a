package dev.sluice.cli.http;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;

import java.util.List;
import java.util.Set;

/**
 * Keeps the scrape within Prometheus' naming rules ({@code promtool check metrics}) for meters Sluice does not name
 * itself: Micrometer's Kafka binders pass Kafka's metric names through ({@code io-time-ns-total},
 * {@code start-time-ms}, {@code connection-count}) and a few JVM binders use nanoseconds.
 * <ul>
 *   <li>a meter in nanoseconds or milliseconds is left out: a filter can rename but not rescale, and Prometheus
 *       wants base units (Kafka's rates and averages in seconds remain; CPU time comes as
 *       {@code process_cpu_seconds_total});</li>
 *   <li>a gauge named {@code ...count} is renamed to the plural ({@code connection.count} -> {@code connections}):
 *       {@code _count} belongs to histograms and summaries;</li>
 *   <li>a meter without a description gets one naming its source, so every family has HELP text.</li>
 * </ul>
 */
final class PrometheusNaming implements MeterFilter {

    private static final Set<String> SUB_BASE_UNITS = Set.of("ns", "ms", "us", "nanoseconds", "milliseconds",
            "microseconds");

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        List<String> parts = List.of(id.getName().split("[.\\-_]"));
        boolean subBase = (id.getBaseUnit() != null && SUB_BASE_UNITS.contains(id.getBaseUnit()))
                || parts.stream().anyMatch(SUB_BASE_UNITS::contains);
        return subBase ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        String name = id.getName();
        if (name.endsWith(".count") && id.getType() != Meter.Type.COUNTER) {
            name = name.substring(0, name.length() - ".count".length()) + "s";
        }
        String description = id.getDescription();
        if (description == null || description.isBlank()) {
            description = (name.startsWith("kafka.") ? "Kafka client metric " : "Metric ") + id.getName();
        }
        if (name.equals(id.getName()) && description.equals(id.getDescription())) {
            return id;
        }
        return new Meter.Id(name, Tags.of(id.getTagsAsIterable()), id.getBaseUnit(), description, id.getType());
    }
}
