package dev.sluice.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * CPU time of the bench's PostgreSQL server by role, from Linux's {@code /proc}: the WAL sender (logical decoding
 * for ingest), the backends of the source database (the load's writes) and of the warehouse database (the sink's
 * COPY and upserts), and the server's own background processes. Sampled every two seconds, so a backend that ends
 * during the run (the load's connections close when it stops) keeps the time it had at its last sample. Null from
 * {@link #start} where {@code /proc} is not there.
 */
final class PostgresCpu implements AutoCloseable {

    static final String WAL_SENDER = "PostgreSQL: WAL sender (logical decoding)";
    static final String SOURCE = "PostgreSQL: source writes";
    static final String WAREHOUSE = "PostgreSQL: warehouse (sink)";
    static final String BACKGROUND = "PostgreSQL: background (WAL writer, vacuum, ...)";

    private static final Path PROC = Path.of("/proc");
    /** Linux's clock tick for these counters; 100 on every common kernel configuration. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final long postmaster;
    private final String sourceDatabase;
    private final String warehouseDatabase;
    private final Map<Long, Process> processes = new HashMap<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-postgres-cpu");
        t.setDaemon(true);
        return t;
    });

    private record Process(String role, long ticksAtStart, long lastTicks) {
    }

    private PostgresCpu(long postmaster, String sourceDatabase, String warehouseDatabase) {
        this.postmaster = postmaster;
        this.sourceDatabase = sourceDatabase;
        this.warehouseDatabase = warehouseDatabase;
        sample(true);
        sampler.scheduleAtFixedRate(() -> sample(false), 2, 2, TimeUnit.SECONDS);
    }

    /** Starts counting the server {@code anyBackend} is connected to; null where it cannot be measured. */
    static PostgresCpu start(Connection anyBackend, String sourceDatabase, String warehouseDatabase) {
        try (Statement s = anyBackend.createStatement(); ResultSet r = s.executeQuery("SELECT pg_backend_pid()")) {
            r.next();
            long[] stat = stat(r.getLong(1));
            return stat == null ? null : new PostgresCpu(stat[0], sourceDatabase, warehouseDatabase);
        } catch (SQLException e) {
            return null;
        }
    }

    /** CPU seconds since {@link #start} by role; stops sampling. */
    Map<String, Double> secondsByRole() {
        close();
        sample(false);
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String role : new String[] {WAL_SENDER, SOURCE, WAREHOUSE, BACKGROUND}) {
            seconds.put(role, 0.0);
        }
        synchronized (processes) {
            processes.values().forEach(p ->
                    seconds.merge(p.role(), (p.lastTicks() - p.ticksAtStart()) / TICKS_PER_SECOND, Double::sum));
        }
        return seconds;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }

    private void sample(boolean first) {
        try (Stream<Path> all = Files.list(PROC)) {
            all.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                long pid = Long.parseLong(p.getFileName().toString());
                long[] stat = stat(pid);
                if (stat == null || pid != postmaster && stat[0] != postmaster) {
                    return; // gone, or not a process of this server
                }
                synchronized (processes) {
                    Process known = processes.get(pid);
                    if (known == null) {
                        String role = pid == postmaster ? BACKGROUND : role(title(pid));
                        processes.put(pid, new Process(role, first ? stat[1] : 0, stat[1]));
                    } else {
                        processes.put(pid, new Process(known.role(), known.ticksAtStart(), stat[1]));
                    }
                }
            });
        } catch (IOException | RuntimeException e) {
            // a process list we cannot read now: the next sample tries again
        }
    }

    private String role(String title) {
        if (title.contains("walsender")) {
            return WAL_SENDER;
        }
        if (title.contains(" " + warehouseDatabase + " ")) {
            return WAREHOUSE;
        }
        if (title.contains(" " + sourceDatabase + " ")) {
            return SOURCE;
        }
        return BACKGROUND;
    }

    private static String title(long pid) {
        try {
            return new String(Files.readAllBytes(PROC.resolve(pid + "/cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ') + " ";
        } catch (IOException e) {
            return "";
        }
    }

    /** From {@code /proc/<pid>/stat}: parent pid and the process's own CPU ticks (user and system); null when gone. */
    static long[] stat(long pid) {
        return stat(PROC.resolve(pid + "/stat"));
    }

    /** As {@link #stat(long)} for a stat file ({@code /proc/<pid>/stat} or a thread's {@code task/<tid>/stat}). */
    static long[] stat(Path file) {
        try {
            String line = Files.readString(file);
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15
            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
