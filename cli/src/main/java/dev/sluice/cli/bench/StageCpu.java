package dev.sluice.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this JVM by pipeline stage, from each thread's own CPU clock (exact, unlike execution samples, which
 * miss time in native code such as RocksDB and socket writes). Threads are told apart by name: the names Kafka,
 * Debezium, Kafka Streams and Connect give their threads. What no Java thread accounts for (garbage collection, the
 * JIT compilers) is read from Linux's per-thread counters by the JVM's own thread names; what is left (threads that
 * ended during the run, the VM thread) is "the rest".
 */
final class StageCpu {

    static final String PUBLISHER = "ingest: publisher and producer";
    static final String SINK = "sink (Connect task)";
    static final String GC = "JVM: garbage collection";
    static final String JIT = "JVM: JIT compilers";
    static final String REST = "JVM: the rest (threads that ended, VM)";
    private static final Path TASKS = Path.of("/proc/self/task");
    private static final double TICKS_PER_SECOND = 100.0;

    /** In order: the first stage whose rule matches a thread's name takes its time. */
    private static final List<Map.Entry<String, Predicate<String>>> STAGES = List.of(
            Map.entry("ingest: Debezium (WAL decoding)", n -> n.startsWith("debezium-")),
            Map.entry(PUBLISHER, n -> n.startsWith("sluice-ingest") || n.contains("| sluice-ingest")
                    || n.startsWith("sluice-slot-lag")),
            Map.entry("transforms", n -> n.contains("StreamThread") || n.contains("StateUpdater")
                    || n.contains("| sluice-replica") || n.startsWith("sluice-transforms") || n.contains("CleanupThread")),
            Map.entry(SINK, n -> n.startsWith("task-thread-") || n.startsWith("connector-")
                    || n.contains("| connector-") || n.contains("| connect-") || n.startsWith("qtp")),
            Map.entry("schema registry", n -> n.startsWith("schema-registry") || n.contains("| sluice-schema-registry")
                    || n.startsWith("HttpClient-")),
            Map.entry("bench (load writer, meters)", n -> n.startsWith("bench-") || n.equals("main")
                    || n.startsWith("metrics-") || n.startsWith("micrometer")),
            Map.entry("broker", n -> true));

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> cpuAtStart;
    private final Map<String, Long> jvmTicksAtStart;
    private final double processAtStart;

    private StageCpu() {
        if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
        cpuAtStart = cpuByThread();
        jvmTicksAtStart = jvmThreadTicks();
        processAtStart = ProcessResources.cpuSeconds();
    }

    /** Starts counting now. */
    static StageCpu start() {
        return new StageCpu();
    }

    /** CPU seconds since {@link #start()} by stage, in the order of the stages, "JVM and the rest" last. */
    Map<String, Double> secondsByStage() {
        Map<String, Double> seconds = new LinkedHashMap<>();
        STAGES.forEach(stage -> seconds.put(stage.getKey(), 0.0));
        double attributed = 0;
        long[] ids = threads.getAllThreadIds();
        // whole stacks: pooled threads (Connect's task threads, Debezium's engine) are known by what they run
        ThreadInfo[] infos = threads.getThreadInfo(ids, Integer.MAX_VALUE);
        for (int i = 0; i < ids.length; i++) {
            long now = threads.getThreadCpuTime(ids[i]);
            if (infos[i] == null || now < 0) {
                continue; // ended, or not measurable
            }
            double delta = (now - cpuAtStart.getOrDefault(ids[i], 0L)) / 1e9;
            seconds.merge(stageOf(infos[i].getThreadName(), infos[i].getStackTrace()), delta, Double::sum);
            attributed += delta;
        }
        Map<String, Long> jvmTicks = jvmThreadTicks();
        for (String kind : new String[] {GC, JIT}) {
            double delta = 0;
            for (Map.Entry<String, Long> thread : jvmTicks.entrySet()) {
                if (thread.getKey().startsWith(kind + "/")) {
                    delta += (thread.getValue() - jvmTicksAtStart.getOrDefault(thread.getKey(), 0L)) / TICKS_PER_SECOND;
                }
            }
            seconds.put(kind, delta);
            attributed += delta;
        }
        seconds.put(REST, Math.max(0, ProcessResources.cpuSeconds() - processAtStart - attributed));
        return seconds;
    }

    /** As {@link #stageOf(String)}; a thread of an anonymous pool is placed by the code on its stack. */
    static String stageOf(String threadName, StackTraceElement[] stack) {
        if (threadName.startsWith("pool-")) {
            for (StackTraceElement frame : stack) {
                String type = frame.getClassName();
                if (type.startsWith("org.apache.kafka.connect.runtime.Worker")) {
                    return SINK;
                }
                if (type.startsWith("io.debezium.embedded") || type.startsWith("dev.sluice.ingest")) {
                    return PUBLISHER;
                }
            }
        }
        return stageOf(threadName);
    }

    static String stageOf(String threadName) {
        for (Map.Entry<String, Predicate<String>> stage : STAGES) {
            if (stage.getValue().test(threadName)) {
                return stage.getKey();
            }
        }
        throw new IllegalStateException("the last stage takes every thread");
    }

    /** CPU ticks of the JVM's own GC and JIT threads, keyed {@code <kind>/<tid>}; empty without /proc. */
    private static Map<String, Long> jvmThreadTicks() {
        Map<String, Long> ticks = new HashMap<>();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            tasks.forEach(task -> {
                String kind = jvmKind(comm(task));
                long[] stat = kind == null ? null : PostgresCpu.stat(task.resolve("stat"));
                if (stat != null) {
                    ticks.put(kind + "/" + task.getFileName(), stat[1]);
                }
            });
        } catch (IOException | RuntimeException e) {
            // no per-thread counters here: GC and JIT stay in "the rest"
        }
        return ticks;
    }

    /** HotSpot's names for its collector and compiler threads (G1, Parallel, Serial, ZGC, Shenandoah). */
    private static String jvmKind(String comm) {
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ") || comm.startsWith("ZGC") || comm.startsWith("ZWorker")
                || comm.startsWith("Shenandoah") || comm.startsWith("ParGC")) {
            return GC;
        }
        return comm.contains("CompilerThre") ? JIT : null;
    }

    private static String comm(Path task) {
        try {
            return Files.readString(task.resolve("comm")).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private Map<Long, Long> cpuByThread() {
        Map<Long, Long> cpu = new HashMap<>();
        for (long id : threads.getAllThreadIds()) {
            long time = threads.getThreadCpuTime(id);
            if (time >= 0) {
                cpu.put(id, time);
            }
        }
        return cpu;
    }
}
