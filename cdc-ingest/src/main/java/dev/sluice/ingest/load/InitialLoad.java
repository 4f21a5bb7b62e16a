package dev.sluice.ingest.load;

import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.source.TableId;
import org.apache.kafka.connect.data.Struct;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /** The load of {@code table} was requested (or found under way at start), with the row estimate for progress. */
    public synchronized void loading(TableId table, long estimate, boolean exact, boolean resumed) {
        tables.put(table, new TableLoad(estimate, exact, resumed, System.nanoTime()));
    }

    /** True once no table is loading: every requested load is committed to Kafka whole. */
    public synchronized boolean complete() {
        return tables.values().stream().allMatch(t -> t.finishedNanos != 0);
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
        if ("TABLE_SCAN_COMPLETED".equals(type)) {
            Object data = notification.schema().field("additional_data") == null ? null : notification.get("additional_data");
            String collection = data instanceof Map<?, ?> map ? String.valueOf(map.get("data_collection")) : null;
            tables.forEach((table, load) -> {
                // Debezium names it unquoted, or as the backfill signal wrote it (double-quoted)
                if (collection != null && (collection.equals(table.toString()) || collection.endsWith("." + table)
                        || collection.equals(ControlTables.quoted(table)))) {
                    finish(table, load, "complete");
                }
            });
        } else if ("COMPLETED".equals(type) || "ABORTED".equals(type)) {
            tables.forEach((table, load) -> finish(table, load, "COMPLETED".equals(type) ? "complete" : "ABORTED"));
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

        TableLoad(long estimate, boolean exact, boolean resumed, long startedNanos) {
            this.estimate = estimate;
            this.exact = exact;
            this.resumed = resumed;
            this.startedNanos = startedNanos;
        }
    }
}
