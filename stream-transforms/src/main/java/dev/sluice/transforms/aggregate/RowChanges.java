package dev.sluice.transforms.aggregate;

import dev.sluice.transforms.row.Fields;
import dev.sluice.transforms.unwrap.ChangeUnwrapper;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * First half of the aggregate: keeps the latest row per source key (store {@code <name>-rows}) and turns each
 * change into deltas per (window, group): the previous version of the row leaves each of its windows
 * ({@code -1}), the new version enters each of its own ({@code +1}); a {@code __deleted} row only leaves. Each
 * delta carries the event time of the version it is about, which is what moves the watermark downstream.
 */
final class RowChanges implements Processor<GenericRecord, GenericRecord, String, Delta> {

    private final String step;
    private final Aggregation aggregation;
    private final String storeName;
    private ProcessorContext<String, Delta> context;
    private KeyValueStore<GenericRecord, GenericRecord> rows;

    RowChanges(String step, Aggregation aggregation, String storeName) {
        this.step = step;
        this.aggregation = aggregation;
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<String, Delta> context) {
        this.context = context;
        this.rows = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<GenericRecord, GenericRecord> record) {
        GenericRecord current = isDeleted(record.value()) ? null : record.value();
        // evaluate the new row first: a row this step cannot read fails before the state changes
        long newTime = current == null ? 0 : eventTime(current, aggregation.timeField(), step);
        List<String> newGroup = current == null ? null : groupValues(current);
        GenericRecord previous = rows.get(record.key());
        if (previous != null) {
            long time = eventTime(previous, aggregation.timeField(), step);
            List<String> group = groupValues(previous);
            for (long start : aggregation.windowStarts(time)) {
                context.forward(new Record<>(GroupKey.of(start, group), new Delta(-1, record.key(), previous), time,
                        record.headers()));
            }
        }
        if (current == null) {
            if (previous != null) {
                rows.delete(record.key());
            }
            return;
        }
        rows.put(record.key(), current);
        for (long start : aggregation.windowStarts(newTime)) {
            context.forward(new Record<>(GroupKey.of(start, newGroup), new Delta(1, record.key(), current), newTime,
                    record.headers()));
        }
    }

    private List<String> groupValues(GenericRecord row) {
        List<String> values = new ArrayList<>(aggregation.groupBy().size());
        for (String column : aggregation.groupBy()) {
            values.add(Fields.text(row, column, step));
        }
        return values;
    }

    static boolean isDeleted(GenericRecord row) {
        Schema.Field flag = row.getSchema().getField(ChangeUnwrapper.DELETED);
        return flag != null && Boolean.TRUE.equals(row.get(flag.pos()));
    }

    /**
     * The row's time column in epoch millis: epoch millis, Debezium {@code MicroTimestamp} / Avro
     * {@code timestamp-micros}, or Debezium {@code ZonedTimestamp} text (PostgreSQL {@code timestamptz}).
     */
    static long eventTime(GenericRecord row, String field, String step) {
        Schema.Field column = Fields.field(row, field, step);
        Object value = row.get(column.pos());
        Schema type = Fields.nonNull(column.schema());
        if (value instanceof CharSequence text
                && "io.debezium.time.ZonedTimestamp".equals(type.getProp("connect.name"))) {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli(); // PostgreSQL timestamptz
        }
        if (!(value instanceof Long time)) {
            throw new IllegalArgumentException("Step '" + step + "' uses '" + field + "' as its time field, but it is "
                    + (value == null ? "null" : "not a long") + " in " + row.getSchema().getFullName()
                    + "; point time-field at an epoch-millis, timestamp or timestamptz column.");
        }
        boolean micros = "io.debezium.time.MicroTimestamp".equals(type.getProp("connect.name"))
                || type.getLogicalType() instanceof LogicalTypes.TimestampMicros;
        return micros ? Math.floorDiv(time, 1000) : time;
    }
}
