package dev.sluice.ingest.engine;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.Set;

/**
 * Debezium's own snapshot and streaming metrics, which it publishes only as JMX MBeans
 * ({@code debezium.postgres:type=connector-metrics,context=snapshot|streaming,server=<topic prefix>}), read
 * back for the ingest service's phase and bound as Micrometer meters: whether the snapshot runs, whether the
 * replication connection is up, how far streaming is behind the source, events seen. A missing MBean (the
 * engine not started yet, or stopped) reads as "not running", "not connected", NaN.
 */
public final class DebeziumMetrics implements MeterBinder {

    public static final String SNAPSHOT_RUNNING = "sluice.ingest.snapshot.running";
    public static final String STREAMING_CONNECTED = "sluice.ingest.streaming.connected";
    public static final String BEHIND_SOURCE = "sluice.ingest.streaming.behind.source";
    public static final String EVENTS_SEEN = "sluice.ingest.streaming.events";

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private final String topicPrefix;

    public DebeziumMetrics(String topicPrefix) {
        this.topicPrefix = topicPrefix;
    }

    /** True while the initial (or a blocking) snapshot runs. */
    public boolean snapshotRunning() {
        return attribute("snapshot", "SnapshotRunning").map(Boolean.TRUE::equals).orElse(false);
    }

    /** True once a snapshot completed (or was not needed) in this engine's life. */
    public boolean snapshotDone() {
        return attribute("snapshot", "SnapshotCompleted").map(Boolean.TRUE::equals).orElse(false)
                || attribute("snapshot", "SnapshotSkipped").map(Boolean.TRUE::equals).orElse(false);
    }

    /** True while the replication connection streams changes. */
    public boolean streamingConnected() {
        return attribute("streaming", "Connected").map(Boolean.TRUE::equals).orElse(false);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder(SNAPSHOT_RUNNING, this, m -> m.snapshotRunning() ? 1 : 0)
                .description("1 while Debezium's snapshot of the captured tables runs, else 0")
                .register(registry);
        Gauge.builder(STREAMING_CONNECTED, this, m -> m.streamingConnected() ? 1 : 0)
                .description("1 while the replication connection to PostgreSQL streams changes, else 0")
                .register(registry);
        Gauge.builder(BEHIND_SOURCE, this, m -> m.number("streaming", "MilliSecondsBehindSource") / 1000.0)
                .description("Source commit to Debezium reading the last change (Debezium's MilliSecondsBehindSource)")
                .baseUnit("seconds")
                .register(registry);
        FunctionCounter.builder(EVENTS_SEEN, this, m -> Math.max(0, m.number("streaming", "TotalNumberOfEventsSeen")))
                .description("Change events Debezium read from the replication stream")
                .register(registry);
    }

    private double number(String context, String name) {
        return attribute(context, name).filter(Number.class::isInstance).map(v -> ((Number) v).doubleValue())
                .orElse(Double.NaN);
    }

    private Optional<Object> attribute(String context, String name) {
        try {
            Set<ObjectName> names = server.queryNames(new ObjectName("debezium.postgres:type=connector-metrics,*"), null);
            for (ObjectName n : names) {
                if (context.equals(n.getKeyProperty("context")) && topicPrefix.equals(n.getKeyProperty("server"))) {
                    return Optional.ofNullable(server.getAttribute(n, name));
                }
            }
        } catch (JMException | RuntimeException e) {
            // the MBean went away between query and read (engine stopping): same as not there
        }
        return Optional.empty();
    }
}
