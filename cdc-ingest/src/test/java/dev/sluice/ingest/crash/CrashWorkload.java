package dev.sluice.ingest.crash;

import org.postgresql.PGConnection;

import java.io.StringReader;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A mixed write workload on {@code public.items(id, counter, payload)} that remembers, per key,
 * every change it made: an insert has counter 0, every update adds 1, a delete carries the last
 * counter (REPLICA IDENTITY FULL), so {@code (key, op, counter)} names each source change and the
 * list per key is its source order. Keys are never reused after a delete.
 *
 * <p>Each round: one COPY of {@value #COPY_ROWS} rows (many rows per LSN), one UPDATE of up to
 * {@value #BIG_UPDATE_ROWS} rows in one statement, one multi-statement transaction (insert
 * {@value #MULTI_ROWS} rows, update them twice, delete {@value #MULTI_DELETES} older rows), and
 * {@value #SMALL_TRANSACTIONS} small transactions of one or two changes.
 */
final class CrashWorkload {

    static final String TABLE_DDL = "CREATE TABLE public.items (id bigint PRIMARY KEY, counter integer NOT NULL, payload text NOT NULL)";
    static final int COPY_ROWS = 2_000;
    static final int BIG_UPDATE_ROWS = 3_000;
    static final int MULTI_ROWS = 500;
    static final int MULTI_DELETES = 200;
    static final int SMALL_TRANSACTIONS = 300;

    private final Random random;
    /** Per key, the changes made so far: "r:0", "c:0", "u:1", ..., "d:n". */
    private final Map<Long, List<String>> expected = new LinkedHashMap<>();
    private final List<Long> live = new ArrayList<>();
    private final Map<Long, Integer> livePosition = new java.util.HashMap<>();
    private final Map<Long, Integer> counters = new LinkedHashMap<>();
    private long nextId;
    private volatile long changes;

    CrashWorkload(long seed) {
        this.random = new Random(seed);
    }

    /** Rows present before ingestion starts: the snapshot reads them (op r). */
    void seed(Connection c, int rows) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(TABLE_DDL);
            s.execute("ALTER TABLE public.items REPLICA IDENTITY FULL");
            s.execute("INSERT INTO public.items SELECT g, 0, 'seed-' || g FROM generate_series(0, " + (rows - 1) + ") g");
        }
        for (long id = 0; id < rows; id++) {
            born(id, "r");
        }
        nextId = rows;
    }

    void round(Connection c) throws Exception {
        copyBatch(c);
        bigUpdate(c);
        multiStatementTransaction(c);
        for (int i = 0; i < SMALL_TRANSACTIONS; i++) {
            smallTransaction(c);
        }
    }

    /** Workload changes so far (snapshot reads not counted). */
    long changes() {
        return changes;
    }

    Map<Long, List<String>> expected() {
        return expected;
    }

    /** One last insert; seeing it means everything before it was read. */
    long sentinel(Connection c) throws SQLException {
        long id = nextId++;
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO public.items VALUES (" + id + ", 0, 'sentinel')");
        }
        born(id, "c");
        return id;
    }

    private void copyBatch(Connection c) throws Exception {
        StringBuilder rows = new StringBuilder();
        long first = nextId;
        for (int i = 0; i < COPY_ROWS; i++) {
            long id = nextId++;
            rows.append(id).append("\t0\tcopy-").append(id).append('\n');
        }
        c.unwrap(PGConnection.class).getCopyAPI()
                .copyIn("COPY public.items (id, counter, payload) FROM STDIN", new StringReader(rows.toString()));
        for (long id = first; id < nextId; id++) {
            born(id, "c");
        }
    }

    private void bigUpdate(Connection c) throws SQLException {
        long from = Math.max(0, nextId - 2L * BIG_UPDATE_ROWS - random.nextInt(BIG_UPDATE_ROWS * 4));
        long to = from + BIG_UPDATE_ROWS;
        try (PreparedStatement s = c.prepareStatement("UPDATE public.items SET counter = counter + 1 WHERE id >= ? AND id < ?")) {
            s.setLong(1, from);
            s.setLong(2, to);
            s.executeUpdate();
        }
        for (long id = from; id < to; id++) {
            if (counters.containsKey(id)) {
                updated(id);
            }
        }
    }

    private void multiStatementTransaction(Connection c) throws SQLException {
        c.setAutoCommit(false);
        long first = nextId;
        nextId += MULTI_ROWS;
        List<Long> victims = pickLive(MULTI_DELETES);
        try (Statement s = c.createStatement()) {
            s.execute("INSERT INTO public.items SELECT g, 0, 'multi-' || g FROM generate_series(" + first + ", " + (nextId - 1) + ") g");
            s.execute("UPDATE public.items SET counter = counter + 1 WHERE id >= " + first + " AND id < " + nextId);
            s.execute("UPDATE public.items SET counter = counter + 1, payload = 'twice' WHERE id >= " + first + " AND id < " + nextId);
        }
        try (PreparedStatement d = c.prepareStatement("DELETE FROM public.items WHERE id = ANY(?)")) {
            Array ids = c.createArrayOf("bigint", victims.toArray());
            d.setArray(1, ids);
            d.executeUpdate();
        }
        c.commit();
        c.setAutoCommit(true);
        for (long id = first; id < nextId; id++) {
            born(id, "c");
        }
        for (long id = first; id < nextId; id++) {
            updated(id);
        }
        for (long id = first; id < nextId; id++) {
            updated(id);
        }
        for (long id : victims) {
            deleted(id);
        }
    }

    private void smallTransaction(Connection c) throws SQLException {
        c.setAutoCommit(false);
        int kind = random.nextInt(10);
        List<Runnable> after = new ArrayList<>();
        try (Statement s = c.createStatement()) {
            if (kind < 6 || live.size() < 10) {
                long id = live.get(random.nextInt(live.size()));
                s.execute("UPDATE public.items SET counter = counter + 1 WHERE id = " + id);
                after.add(() -> updated(id));
                if (kind == 0) {
                    long id2 = nextId++;
                    s.execute("INSERT INTO public.items VALUES (" + id2 + ", 0, 'small')");
                    after.add(() -> born(id2, "c"));
                }
            } else if (kind < 8) {
                long id = nextId++;
                s.execute("INSERT INTO public.items VALUES (" + id + ", 0, 'small')");
                after.add(() -> born(id, "c"));
            } else {
                long id = pickLive(1).get(0);
                s.execute("DELETE FROM public.items WHERE id = " + id);
                after.add(() -> deleted(id));
            }
        }
        c.commit();
        c.setAutoCommit(true);
        after.forEach(Runnable::run);
    }

    private List<Long> pickLive(int n) {
        List<Long> picked = new ArrayList<>();
        java.util.Set<Long> seen = new java.util.HashSet<>();
        while (picked.size() < n && seen.size() < live.size()) {
            long id = live.get(random.nextInt(live.size()));
            if (seen.add(id)) {
                picked.add(id);
            }
        }
        return picked;
    }

    private void born(long id, String op) {
        expected.computeIfAbsent(id, k -> new ArrayList<>()).add(op + ":0");
        counters.put(id, 0);
        livePosition.put(id, live.size());
        live.add(id);
        if (!"r".equals(op)) {
            changes++;
        }
    }

    private void updated(long id) {
        int counter = counters.merge(id, 1, Integer::sum);
        expected.get(id).add("u:" + counter);
        changes++;
    }

    private void deleted(long id) {
        int counter = counters.remove(id);
        expected.get(id).add("d:" + counter);
        // swap-remove keeps picking O(1)
        int at = livePosition.remove(id);
        long last = live.remove(live.size() - 1);
        if (last != id) {
            live.set(at, last);
            livePosition.put(last, at);
        }
        changes++;
    }
}
