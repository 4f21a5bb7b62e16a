package dev.sluice.cli.rebuild;

import dev.sluice.cli.local.WarehouseTarget;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A dashboard's view of a table across a promotion or rollback: one query after another on its own connection, at a
 * steady pace, counting the reads and keeping every error, so a test can require none while tables are swapped.
 */
public final class SteadyReader implements AutoCloseable {

    private final AtomicLong reads = new AtomicLong();
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final WarehouseTarget warehouse;
    private final String query;
    private final Duration pause;
    private final Thread thread;

    /** Starts querying {@code query} on {@code warehouse}, with {@code pause} between queries (zero: back to back). */
    public SteadyReader(WarehouseTarget warehouse, String query, Duration pause) {
        this.warehouse = warehouse;
        this.query = query;
        this.pause = pause;
        this.thread = new Thread(this::read, "steady-reader");
        thread.start();
    }

    public long reads() {
        return reads.get();
    }

    public List<Throwable> errors() {
        return errors;
    }

    private void read() {
        try (Connection c = warehouse.open(); Statement s = c.createStatement()) {
            while (running.get()) {
                try (ResultSet rs = s.executeQuery(query)) {
                    rs.next();
                    reads.incrementAndGet();
                } catch (SQLException e) {
                    errors.add(e);
                }
                if (!pause.isZero()) {
                    Thread.sleep(pause.toMillis()); // the pace of a dashboard, not a wait for a result
                }
            }
        } catch (SQLException e) {
            errors.add(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
    }
}
