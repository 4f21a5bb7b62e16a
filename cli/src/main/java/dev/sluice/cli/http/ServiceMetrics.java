package dev.sluice.cli.http;

import com.sun.management.OperatingSystemMXBean;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.lang.management.ManagementFactory;

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
            registry.config().meterFilter(new PrometheusNaming());
            Metrics.addRegistry(registry);
            new JvmMemoryMetrics().bindTo(registry);
            new JvmGcMetrics().bindTo(registry);
            new JvmThreadMetrics().bindTo(registry);
            new ClassLoaderMetrics().bindTo(registry);
            new ProcessorMetrics().bindTo(registry);
            new UptimeMetrics().bindTo(registry);
            // ProcessorMetrics' CPU time is in nanoseconds (left out by PrometheusNaming): the conventional one instead
            if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
                FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
                        .baseUnit("seconds").description("CPU time used by this process").register(registry);
            }
        }
        return registry;
    }
}
