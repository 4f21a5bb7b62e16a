package dev.sluice.transforms.aggregate;

import dev.sluice.transforms.row.Fields;
import io.micrometer.core.instrument.Counter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Second half of the aggregate: one {@link Accumulator} per (window, group) in store {@code <name>-totals},
 * keyed by {@link GroupKey} so a scan meets the oldest windows first.
 *
 * <p>Watermark {@code W} = stream time (the largest event time this task has seen) − allowed lateness. A window
 * {@code [start, end)} closes when {@code end <= W}: its row goes out if it changed since the last one
 * ({@link Aggregation.Emit#FINAL} emits only here), and its state is dropped. A delta for a closed window goes,
 * as the row it is about, to {@code <pipeline>.late} with header {@value #HEADER_LATE_REASON}, and is counted.
 *
 * <p>Quiet input: Kafka Streams' stream time moves only with records, so with {@code idleTimeout} set a
 * wall-clock punctuation, once no record has come for that long, treats stream time as having moved on with the
 * wall clock and emits the windows that would have closed. Those windows stay in the store until records move
 * the watermark past them; a change arriving meanwhile emits a corrected row when they really close. So the
 * last row of every window is the one a run without idle periods gives: a replay, which reads a backlog and is
 * never idle, ends with the same rows.
 */
final class WindowState implements Processor<String, Delta, GenericRecord, GenericRecord> {

    static final String HEADER_LATE_REASON = "sluice.late.reason";

    private final String step;
    private final Aggregation aggregation;
    private final String storeName;
    private final AggregateRows output;
    private final Counter late;
    private final Aggregation.Measure.Kind[] kinds;
    private final String[] fields;
    private final long size;
    private final long lateness;

    private ProcessorContext<GenericRecord, GenericRecord> context;
    private KeyValueStore<String, Accumulator> totals;
    private long lastRecordWallClock;
    /** The earliest end of a window in the store (MIN_VALUE: not known yet, after a start). */
    private long earliestEnd = Long.MIN_VALUE;

    WindowState(String step, Aggregation aggregation, String storeName, AggregateRows output, Counter late) {
        this.step = step;
        this.aggregation = aggregation;
        this.storeName = storeName;
        this.output = output;
        this.late = late;
        List<Aggregation.Measure> measures = List.copyOf(aggregation.measures().values());
        this.kinds = measures.stream().map(Aggregation.Measure::kind).toArray(Aggregation.Measure.Kind[]::new);
        this.fields = measures.stream().map(Aggregation.Measure::field).toArray(String[]::new);
        this.size = aggregation.window().toMillis();
        this.lateness = aggregation.allowedLateness().toMillis();
    }

    @Override
    public void init(ProcessorContext<GenericRecord, GenericRecord> context) {
        this.context = context;
        this.totals = context.getStateStore(storeName);
        this.lastRecordWallClock = context.currentSystemTimeMs();
        if (aggregation.emit() == Aggregation.Emit.UPDATES && aggregation.rateLimit() != null) {
            context.schedule(aggregation.rateLimit(), PunctuationType.WALL_CLOCK_TIME, now -> emitChanged());
        }
        if (aggregation.idleTimeout() != null) {
            Duration every = aggregation.idleTimeout().compareTo(Duration.ofSeconds(1)) < 0
                    ? aggregation.idleTimeout() : Duration.ofSeconds(1);
            context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::closeIdleWindows);
        }
    }

    @Override
    public void process(Record<String, Delta> record) {
        lastRecordWallClock = context.currentSystemTimeMs();
        long watermark = context.currentStreamTimeMs() - lateness;
        long start = GroupKey.windowStart(record.key());
        Delta delta = record.value();
        if (start + size <= watermark) {
            late.increment();
            String reason = "step '" + step + "': the window [" + start + ", " + (start + size) + ") closed at"
                    + " watermark " + watermark + " (stream time − allowed lateness " + lateness + " ms), so this "
                    + (delta.sign() > 0 ? "row" : "retraction of the row") + " with event time "
                    + record.timestamp() + " cannot change it any more";
            Record<GenericRecord, GenericRecord> out = new Record<>(delta.rowKey(), delta.row(), record.timestamp(),
                    record.headers());
            out.headers().remove(HEADER_LATE_REASON);
            out.headers().add(HEADER_LATE_REASON, reason.getBytes(StandardCharsets.UTF_8));
            context.forward(out);
            return;
        }
        Accumulator acc = totals.get(record.key());
        if (acc == null) {
            acc = Accumulator.empty(kinds);
        }
        acc.apply(values(delta.row()), delta.sign());
        if (aggregation.emit() == Aggregation.Emit.UPDATES && aggregation.rateLimit() == null) {
            emit(record.key(), acc);
        }
        totals.put(record.key(), acc);
        // a store scan per record would cost a RocksDB iterator each time: scan only when a window may be due
        if (earliestEnd == Long.MIN_VALUE || watermark >= Math.min(earliestEnd, start + size)) {
            close(watermark, true);
        } else {
            earliestEnd = Math.min(earliestEnd, start + size);
        }
    }

    private BigDecimal[] values(GenericRecord row) {
        BigDecimal[] values = new BigDecimal[kinds.length];
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] != Aggregation.Measure.Kind.COUNT) {
                values[i] = Fields.number(row, fields[i], step);
            }
        }
        return values;
    }

    /** Emits the changed windows ending at or before {@code watermark}; drops them when {@code drop}. */
    private void close(long watermark, boolean drop) {
        List<KeyValue<String, Accumulator>> due = new ArrayList<>();
        long firstOpenEnd = Long.MAX_VALUE;
        try (KeyValueIterator<String, Accumulator> all = totals.all()) {
            while (all.hasNext()) {
                KeyValue<String, Accumulator> entry = all.next();
                long end = GroupKey.windowStart(entry.key) + size;
                if (end > watermark) {
                    firstOpenEnd = end;
                    break; // windows are met oldest first
                }
                due.add(entry);
            }
        }
        if (drop) {
            earliestEnd = firstOpenEnd; // no scan until the watermark reaches it
        }
        for (KeyValue<String, Accumulator> entry : due) {
            emit(entry.key, entry.value);
            if (drop) {
                totals.delete(entry.key);
            } else {
                totals.put(entry.key, entry.value);
            }
        }
    }

    private void emitChanged() {
        List<KeyValue<String, Accumulator>> changed = new ArrayList<>();
        try (KeyValueIterator<String, Accumulator> all = totals.all()) {
            all.forEachRemaining(entry -> {
                if (entry.value.dirty) {
                    changed.add(entry);
                }
            });
        }
        for (KeyValue<String, Accumulator> entry : changed) {
            emit(entry.key, entry.value);
            totals.put(entry.key, entry.value);
        }
    }

    private void closeIdleWindows(long now) {
        long idle = now - lastRecordWallClock;
        long streamTime = context.currentStreamTimeMs();
        if (idle < aggregation.idleTimeout().toMillis() || streamTime < 0) {
            return;
        }
        close(streamTime + idle - lateness, false);
    }

    /** Sends the window's row if it changed and there is something to say (a group never seen stays silent). */
    private void emit(String key, Accumulator acc) {
        if (!acc.dirty || (acc.rows == 0 && !acc.emitted)) {
            acc.dirty = false;
            return;
        }
        acc.version++;
        long start = GroupKey.windowStart(key);
        KeyValue<GenericRecord, GenericRecord> row = output.row(start, start + size, GroupKey.groupValues(key), acc);
        context.forward(new Record<>(row.key, row.value, start + size - 1, new RecordHeaders()));
        acc.emitted = true;
        acc.dirty = false;
    }
}
