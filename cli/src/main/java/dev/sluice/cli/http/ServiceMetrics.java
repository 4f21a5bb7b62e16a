package dev.sluice.cli.http;

import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The process's Prometheus registry. Every Sluice service records into Micrometer's global registry (ingest,
 * transforms and sink meters, the Kafka client and Streams binders), so the Prometheus registry is added to it:
 * whatever a service registers, before or after, is scraped. JVM and process meters are bound once here.
 */
public final class ServiceMetrics {

    private static PrometheusMeterRegistry registry;

    private ServiceMetrics() {
    }

    /** The one Prometheus registry of this JVM, created and added to the global registry on first call. */
    public static synchronized PrometheusMeterRegistry prometheus() {
        if (registry == null) {
            registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            Metrics.addRegistry(registry);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmGcMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
        }
        return registry;
    }
}
