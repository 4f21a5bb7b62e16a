package dev.sluice.cli.http;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Set;

/**
 * The Connect worker's own task metrics (records read from Kafka and handed to the sink, partitions owned, time
 * running, batch sizes, offset commits), which Connect publishes as JMX MBeans
 * ({@code kafka.connect:type=sink-task-metrics|connector-task-metrics,connector=..,task=..}), bound as Micrometer
 * meters per connector and task. A task that is not running reads as NaN.
 */
public final class ConnectTaskMetrics {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    private ConnectTaskMetrics() {
    }

    /** Binds the meters of one task of one connector. */
    public static void bind(MeterRegistry registry, String connector, int task) {
        Tags tags = Tags.of("connector", connector, "task", Integer.toString(task));
        counter(registry, "sluice.connect.sink.records.read", "Records the task read from Kafka", tags,
                connector, task, "sink-task-metrics", "sink-record-read-total");
        counter(registry, "sluice.connect.sink.records.sent", "Records the task handed to the sink's put()", tags,
                connector, task, "sink-task-metrics", "sink-record-send-total");
        counter(registry, "sluice.connect.offset.commits", "Offset commits of the task that completed", tags,
                connector, task, "sink-task-metrics", "offset-commit-completion-total");
        gauge(registry, "sluice.connect.sink.records.active", "Records read but not yet committed", tags,
                connector, task, "sink-task-metrics", "sink-record-active-count");
        gauge(registry, "sluice.connect.sink.partitions", "Topic partitions the task owns", tags,
                connector, task, "sink-task-metrics", "partition-count");
        gauge(registry, "sluice.connect.task.running.ratio", "Share of time the task spent running", tags,
                connector, task, "connector-task-metrics", "running-ratio");
        gauge(registry, "sluice.connect.task.batch.size.avg", "Average records per batch the task processed", tags,
                connector, task, "connector-task-metrics", "batch-size-avg");
    }

    private static void counter(MeterRegistry registry, String name, String description, Tags tags, String connector,
                                int task, String group, String attribute) {
        FunctionCounter.builder(name, tags, t -> Math.max(0, read(connector, task, group, attribute)))
                .description(description).tags(tags).register(registry);
    }

    private static void gauge(MeterRegistry registry, String name, String description, Tags tags, String connector,
                              int task, String group, String attribute) {
        Gauge.builder(name, tags, t -> read(connector, task, group, attribute)).description(description).tags(tags)
                .register(registry);
    }

    private static double read(String connector, int task, String group, String attribute) {
        try {
            Set<ObjectName> names = SERVER.queryNames(new ObjectName("kafka.connect:type=" + group + ",*"), null);
            for (ObjectName n : names) {
                if (connector.equals(unquote(n.getKeyProperty("connector")))
                        && Integer.toString(task).equals(unquote(n.getKeyProperty("task")))
                        && SERVER.getAttribute(n, attribute) instanceof Number value) {
                    return value.doubleValue();
                }
            }
        } catch (JMException | RuntimeException e) {
            // the task stopped between query and read: same as not there
        }
        return Double.NaN;
    }

    private static String unquote(String value) {
        return value != null && value.length() >= 2 && value.startsWith("\"") ? ObjectName.unquote(value) : value;
    }
}
