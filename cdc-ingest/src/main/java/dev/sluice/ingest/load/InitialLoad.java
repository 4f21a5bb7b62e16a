package dev.sluice.ingest.load;

import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.source.TableId;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The initial load of the captured tables' existing rows, which Debezium reads as incremental snapshots (chunks
 * by primary key, each committed to Kafka with the offset that records it done, while streaming goes on). Fed by
 * the publisher with what each committed Kafka transaction held (reads per table, Debezium's notifications), so it
 * never reports more than read_committed readers can see; read by the status line and the drain.
 *
 * <p>A table is loading from its request (or, after a restart, from the stored offset that shows its snapshot
 * under way) until Debezium's {@code TABLE_SCAN_COMPLETED} notification for it, or the snapshot's
 * {@code COMPLETED} or {@code ABORTED}, is committed. Thread-safe.
 */
public final class InitialLoad {

    private static final Logger log = LoggerFactory.getLogger(InitialLoad.class);
    private static final String AGGREGATE = "Incremental Snapshot";

    private final Map<TableId, TableLoad> tables = new LinkedHashMap<>();
    /**
     * Re-read signals whose snapshot has not ended, in the order they were written. Debezium adds a signal that comes
     * while an incremental snapshot runs to that snapshot, and names the snapshot's notifications after the latest
     * signal: its COMPLETED ends every signal written before it too.
     */
    private final List<Map.Entry<String, TableId>> rereadSignals = new java.util.ArrayList<>();
    private volatile BiConsumer<TableId, List<Struct>> rereads = (table, keys) -> { };

    /**
     * Who reads rows again once their table's load is done: the keys of rows updated while it loaded whose update
     * carried an unchanged TOASTed column (see {@link #unchangedToast}).
     */
    public void onRereadNeeded(BiConsumer<TableId, List<Struct>> rereads) {
        this.rereads = rereads;
    }

    /**
     * A committed Kafka transaction held a streamed update of {@code table} that left a TOASTed column out (Debezium's
     * placeholder). While the table loads, its row may have been dropped from the chunk being read (Debezium drops a
     * chunk row that changed during the chunk's window, as the streamed change carries it), and then no consumer ever
     * gets that column's value. So the row is read again once the table's load is done.
     */
    public synchronized void unchangedToast(TableId table, Struct key) {
        TableLoad t = tables.get(table);
        // a re-read is an incremental snapshot too: its own window can drop a row the same way
        if (t != null && (t.finishedNanos == 0 || t.rereading()) && key != null) {
            t.toastKeys.add(key);
        }
    }

    /** Rows read again after loads so far (see {@link #unchangedToast}). */
    public synchronized long rereadRows() {
        return tables.values().stream().mapToLong(t -> t.rereadRequested).sum();
    }

    /** The load of {@code table} was requested (or found under way at start), with the row estimate for progress. */
    public synchronized void loading(TableId table, long estimate, boolean exact, boolean resumed) {
        tables.put(table, new TableLoad(estimate, exact, resumed, System.nanoTime()));
    }

    /** True once no table is loading: every requested load, and every re-read after it, is committed to Kafka whole. */
    public synchronized boolean complete() {
        return tables.values().stream().allMatch(t -> t.finishedNanos != 0 && !t.rereading());
    }

    /** Each table's progress, in the order the loads were requested. */
    public synchronized List<TableLoadProgress> progress() {
        long now = System.nanoTime();
        return tables.entrySet().stream().map(e -> {
            TableLoad t = e.getValue();
            long end = t.finishedNanos != 0 ? t.finishedNanos : now;
            return new TableLoadProgress(e.getKey(), t.rows, t.estimate, t.exact, Duration.ofNanos(end - t.startedNanos),
                    t.finishedNanos != 0);
        }).toList();
    }

    /** A committed Kafka transaction held {@code rows} incremental-snapshot reads of {@code table}. */
    public synchronized void read(TableId table, long rows) {
        TableLoad t = tables.get(table);
        if (t != null) {
            t.rows += rows;
        }
    }

    /** A committed Kafka transaction held this Debezium notification. */
    public synchronized void notified(Struct notification) {
        if (!AGGREGATE.equals(field(notification, "aggregate_type"))) {
            return;
        }
        String type = field(notification, "type");
        log.debug("Incremental snapshot notification {} id {}: {}", type, field(notification, "id"),
                notification.schema().field("additional_data") == null ? null : notification.get("additional_data"));
        if ("COMPLETED".equals(type) || "ABORTED".equals(type)) {
            rereadEnded(field(notification, "id"));
        }
        if ("TABLE_SCAN_COMPLETED".equals(type)) {
            Object data = notification.schema().field("additional_data") == null ? null : notification.get("additional_data");
            // Debezium 3 names the table scanned_collection (data_collection before)
            Object named = data instanceof Map<?, ?> map ? (map.containsKey("scanned_collection") ? map.get("scanned_collection")
                    : map.get("data_collection")) : null;
            String collection = named == null ? null : named.toString();
            tables.forEach((table, load) -> {
                // Debezium names it unquoted, or as the backfill signal wrote it (double-quoted)
                if (collection != null && (collection.equals(table.toString()) || collection.endsWith("." + table)
                        || collection.equals(ControlTables.quoted(table)))) {
                    boolean loading = load.finishedNanos == 0;
                    finish(table, load, "complete");
                    if (loading) {
                        rereadAfterLoad(table, load);
                    }
                }
            });
        } else if ("COMPLETED".equals(type) || "ABORTED".equals(type)) {
            tables.forEach((table, load) -> {
                boolean loading = load.finishedNanos == 0;
                finish(table, load, "COMPLETED".equals(type) ? "complete" : "ABORTED");
                if (loading && "COMPLETED".equals(type)) {
                    rereadAfterLoad(table, load);
                }
            });
        }
    }

    private void rereadAfterLoad(TableId table, TableLoad load) {
        if (load.toastKeys.isEmpty() || load.finishedNanos == 0) {
            return;
        }
        List<Struct> keys = List.copyOf(load.toastKeys);
        load.toastKeys.clear();
        load.requesting = true;
        load.rereadRequested += keys.size();
        rereads.accept(table, keys);
    }

    /**
     * A re-read of {@code table} is about to be signalled under {@code signalId}: Debezium names its incremental
     * snapshot's notifications by the signal's id, so its COMPLETED (or ABORTED) ends it.
     */
    public synchronized void rereadSignalled(TableId table, String signalId) {
        TableLoad t = tables.get(table);
        if (t != null) {
            t.signals++;
            rereadSignals.add(Map.entry(signalId, table));
        }
    }

    /** Every re-read signal of {@code table} for the keys handed over is written (or failed, which is logged). */
    public synchronized void rereadRequested(TableId table, boolean failed) {
        TableLoad t = tables.get(table);
        if (t != null) {
            t.requesting = false;
            if (failed) {
                rereadSignals.removeIf(e -> e.getValue().equals(table));
                t.signals = 0;
            }
        }
    }

    private void rereadEnded(String signalId) {
        int last = -1;
        for (int i = 0; i < rereadSignals.size(); i++) {
            if (rereadSignals.get(i).getKey().equals(signalId)) {
                last = i;
            }
        }
        List<Map.Entry<String, TableId>> ended = new java.util.ArrayList<>(rereadSignals.subList(0, last + 1));
        rereadSignals.subList(0, last + 1).clear();
        for (Map.Entry<String, TableId> e : ended) {
            TableLoad load = tables.get(e.getValue());
            load.signals--;
            if (!load.rereading()) {
                log.info("Read {} row(s) of {} again whose update left a TOASTed column out while the table loaded",
                        String.format("%,d", load.rereadRequested), e.getValue());
                rereadAfterLoad(e.getValue(), load); // rows updated during that re-read, if any
            }
        }
    }

    private static void finish(TableId table, TableLoad load, String how) {
        if (load.finishedNanos != 0) {
            return;
        }
        load.finishedNanos = System.nanoTime();
        if ("complete".equals(how)) {
            TableLoadProgress done = new TableLoadProgress(table, load.rows, load.estimate, load.exact,
                    Duration.ofNanos(load.finishedNanos - load.startedNanos), true);
            log.info("{}{}", done.completionLine(), load.resumed ? " (rows read after the restart)" : "");
        } else {
            log.warn("Initial load of {} was aborted after {} rows; run sluice backfill --table {} to read it again.",
                    table, String.format("%,d", load.rows), table);
        }
    }

    private static String field(Struct struct, String name) {
        return struct.schema().field(name) == null ? null : String.valueOf(struct.get(name));
    }

    private static final class TableLoad {
        final long estimate;
        final boolean exact;
        final boolean resumed;
        final long startedNanos;
        long rows;
        long finishedNanos;
        /** Keys of rows to read again after the load ({@link #unchangedToast}), in arrival order, each once. */
        final Set<Struct> toastKeys = new LinkedHashSet<>();
        long rereadRequested;
        /** Between handing keys to the re-reader and its signals being written. */
        boolean requesting;
        /** Re-read signals whose snapshot has not ended yet. */
        int signals;

        boolean rereading() {
            return requesting || signals > 0;
        }

        TableLoad(long estimate, boolean exact, boolean resumed, long startedNanos) {
            this.estimate = estimate;
            this.exact = exact;
            this.resumed = resumed;
            this.startedNanos = startedNanos;
        }
    }
}
