package dev.sluice.sink.metrics;

import dev.sluice.sink.WarehouseSinkConnector;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.connect.rest.ConnectRestExtension;
import org.apache.kafka.connect.rest.ConnectRestExtensionContext;

import java.util.Map;

/**
 * Serves the sink's meters ({@code sluice_sink_*}, {@code sluice_table_freshness_seconds}) at {@code GET /metrics} on a
 * stock Connect worker's REST port, in Prometheus' text format. Enable it with
 * {@code rest.extension.classes=dev.sluice.sink.metrics.PrometheusRestExtension}; the worker loads it from the plugin
 * archive on {@code plugin.path}. The extension and the sink's tasks share the plugin's class loader, so the sink's
 * meters land in the global registry this one joins.
 */
public final class PrometheusRestExtension implements ConnectRestExtension {

    private PrometheusMeterRegistry registry;

    @Override
    public void configure(Map<String, ?> configs) {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Metrics.addRegistry(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
    }

    @Override
    public void register(ConnectRestExtensionContext context) {
        context.configurable().register(resource());
    }

    MetricsResource resource() {
        return new MetricsResource(registry);
    }

    @Override
    public void close() {
        Metrics.removeRegistry(registry);
        registry.close();
    }

    @Override
    public String version() {
        return new WarehouseSinkConnector().version();
    }
}
