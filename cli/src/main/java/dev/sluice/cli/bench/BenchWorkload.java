package dev.sluice.cli.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A generated OLTP workload for benchmarks: {@code tables} tables of rows {@code rowWidth} bytes
 * wide; transactions of ten changes (60% inserts, 30% updates, 10% deletes), written at a target
 * rate or, with rate 0, as fast as the writer threads can.
 */
final class BenchWorkload implements AutoCloseable {

    private static final int CHANGES_PER_TRANSACTION = 10;

    private final Supplier<Connection> connections;
    private final int tables;
    private final int rowWidth;
    private final int rate;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong changes = new AtomicLong();
    private final List<Thread> writers = new ArrayList<>();

    BenchWorkload(Supplier<Connection> connections, int tables, int rowWidth, int rate) {
        this.connections = connections;
        this.tables = tables;
        this.rowWidth = rowWidth;
        this.rate = rate;
    }

    static List<String> tableNames(int tables) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < tables; i++) {
            names.add("public.bench_" + i);
        }
        return names;
    }

    void createTables() throws SQLException {
        try (Connection c = connections.get(); Statement s = c.createStatement()) {
            for (String table : tableNames(tables)) {
                s.execute("CREATE TABLE IF NOT EXISTS " + table + " (id bigint PRIMARY KEY, revision integer NOT NULL, "
                        + "payload text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())");
            }
        }
    }

    /** Writers enough for the rate (one connection writes a few thousand changes/s), two flat out. */
    void start() {
        int threads = rate == 0 ? 2 : Math.max(1, Math.min(4, rate / 3000 + 1));
        for (int t = 0; t < threads; t++) {
            int writer = t;
            Thread thread = new Thread(() -> write(writer, threads), "bench-writer-" + t);
            thread.setDaemon(true);
            writers.add(thread);
            thread.start();
        }
    }

    long changes() {
        return changes.get();
    }

    private void write(int writer, int writerCount) {
        SplittableRandom random = new SplittableRandom(writer);
        String payload = "x".repeat(rowWidth);
        // each writer owns the ids congruent to its number, so writers never contend on a row
        long[] nextId = new long[tables];
        List<List<Long>> live = new ArrayList<>();
        for (int i = 0; i < tables; i++) {
            nextId[i] = writer;
            live.add(new ArrayList<>());
        }
        long started = System.nanoTime();
        try (Connection c = connections.get()) {
            c.setAutoCommit(false);
            List<PreparedStatement[]> statements = new ArrayList<>();
            for (String table : tableNames(tables)) {
                statements.add(new PreparedStatement[] {
                    c.prepareStatement("INSERT INTO " + table + " (id, revision, payload) VALUES (?, 0, ?)"),
                    c.prepareStatement("UPDATE " + table + " SET revision = revision + 1, updated_at = now() WHERE id = ?"),
                    c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")});
            }
            while (running.get()) {
                if (rate > 0 && changes.get() >= (System.nanoTime() - started) / 1e9 * rate) {
                    // the shared counter paces all writers together
                    Thread.sleep(1);
                    continue;
                }
                int table = random.nextInt(tables);
                List<Long> ids = live.get(table);
                PreparedStatement[] ps = statements.get(table);
                // one round trip per kind of statement, not per change: JDBC batches
                for (int i = 0; i < CHANGES_PER_TRANSACTION; i++) {
                    int dice = random.nextInt(10);
                    if (dice < 6 || ids.size() < 100) {
                        long id = nextId[table];
                        nextId[table] += writerCount;
                        ps[0].setLong(1, id);
                        ps[0].setString(2, payload);
                        ps[0].addBatch();
                        ids.add(id);
                    } else if (dice < 9) {
                        ps[1].setLong(1, ids.get(random.nextInt(ids.size())));
                        ps[1].addBatch();
                    } else {
                        int at = random.nextInt(ids.size());
                        ps[2].setLong(1, ids.get(at));
                        ps[2].addBatch();
                        ids.set(at, ids.get(ids.size() - 1));
                        ids.remove(ids.size() - 1);
                    }
                }
                ps[0].executeBatch();
                ps[1].executeBatch();
                ps[2].executeBatch();
                c.commit();
                changes.addAndGet(CHANGES_PER_TRANSACTION);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            throw new IllegalStateException("the benchmark workload stopped: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread writer : writers) {
            writer.join(10_000);
        }
    }
}
