package dev.sluice.sink.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU seconds spent by a benchmark run, for a machine shared with other work where wall-clock rates vary with the
 * load: this JVM's process (broker, worker, converter, sink, an in-process DuckDB), the Connect task threads
 * ({@code task-thread-<connector>-<n>}: consumer poll, conversion, the sink's put and its JDBC/appender calls), and a
 * PostgreSQL server found by its port (postmaster, its live backends and the reaped ones), from {@code /proc}.
 * Linux only; a figure that cannot be read is NaN.
 */
public final class CpuClock {
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux

    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    /** This JVM's CPU seconds so far. */
    public double process() {
        return os.getProcessCpuTime() / 1e9;
    }

    /**
     * CPU seconds so far of the live Connect task threads ({@code task-thread-...}, the sink's writer thread included).
     * The worker reuses pooled threads across connectors, so take the difference over one connector's run.
     */
    public double taskThreads() {
        return threadsNamed("task-thread-");
    }

    /** CPU seconds so far of the live threads whose name starts with {@code prefix}. */
    public double threadsNamed(String prefix) {
        double sum = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(prefix)) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                sum += nanos < 0 ? 0 : nanos / 1e9;
            }
        }
        return sum;
    }

    /** CPU seconds of the PostgreSQL server listening on {@code port}: postmaster with reaped children, plus live children. */
    public double postgres(int port) {
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            List<Path> pids = procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList();
            String postmaster = null;
            for (Path pid : pids) {
                String cmd = cmdline(pid);
                if (cmd.contains("postgres") && (cmd + " ").contains(" -p " + port + " ")) {
                    postmaster = pid.getFileName().toString();
                    break;
                }
            }
            if (postmaster == null) {
                return Double.NaN;
            }
            long ticks = 0;
            for (Path pid : pids) {
                String[] stat = stat(pid);
                if (stat == null) {
                    continue;
                }
                if (pid.getFileName().toString().equals(postmaster)) {
                    ticks += Long.parseLong(stat[13]) + Long.parseLong(stat[14]) + Long.parseLong(stat[15]) + Long.parseLong(stat[16]);
                } else if (stat[3].equals(postmaster)) {
                    ticks += Long.parseLong(stat[13]) + Long.parseLong(stat[14]);
                }
            }
            return ticks / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    private static String cmdline(Path pid) {
        try {
            return new String(Files.readAllBytes(pid.resolve("cmdline"))).replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** The fields of /proc/<pid>/stat, the command name (which may hold spaces) collapsed into one field. */
    private static String[] stat(Path pid) {
        try {
            String s = Files.readString(pid.resolve("stat"));
            int close = s.lastIndexOf(')');
            String[] rest = s.substring(close + 2).split(" ");
            String[] fields = new String[rest.length + 2];
            fields[0] = s.substring(0, s.indexOf(' '));
            fields[1] = s.substring(s.indexOf('(') + 1, close);
            System.arraycopy(rest, 0, fields, 2, rest.length);
            return fields;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
