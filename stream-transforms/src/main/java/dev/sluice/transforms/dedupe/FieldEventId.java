package dev.sluice.transforms.dedupe;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * An event id made of configured fields, for events that carry their own identity (an append-only events
 * table with an {@code event_id} column, say). Each path is dotted: {@code event_id}, {@code after.event_id},
 * {@code source.lsn}; a path starting with {@code key} reads the record key ({@code key} alone: the whole
 * key). The id is the topic plus each value's canonical text, so equal values give equal ids on every run.
 *
 * <p>Fails with {@link IllegalArgumentException} naming the path when a path does not exist in the record's
 * schema (a missing value, null, is part of the id).
 */
public final class FieldEventId implements EventIdExtractor {

    private final List<String[]> paths;
    private final List<String> names;

    public FieldEventId(List<String> fields) {
        if (fields == null || fields.isEmpty()) {
            throw new IllegalArgumentException("An event id needs at least one field; list them (e.g. [event_id]).");
        }
        this.names = List.copyOf(fields);
        this.paths = fields.stream().map(f -> f.split("\\.")).toList();
    }

    public List<String> fields() {
        return names;
    }

    @Override
    public byte[] eventId(String topic, GenericRecord key, GenericRecord value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.writeBytes(topic.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < paths.size(); i++) {
            out.write(0);
            String[] path = paths.get(i);
            boolean fromKey = "key".equals(path[0]);
            Object current = fromKey ? key : value;
            for (int depth = fromKey ? 1 : 0; depth < path.length && current != null; depth++) {
                if (!(current instanceof GenericRecord record)) {
                    throw new IllegalArgumentException("Event id field '" + names.get(i) + "' goes into a "
                            + "non-record value on topic " + topic + "; point it at a record field.");
                }
                Schema.Field field = record.getSchema().getField(path[depth]);
                if (field == null) {
                    throw new IllegalArgumentException("Event id field '" + names.get(i) + "' does not exist in "
                            + record.getSchema().getFullName() + " on topic " + topic
                            + "; fix the dedupe id fields of the pipeline spec.");
                }
                current = record.get(field.pos());
            }
            out.writeBytes(canonical(current).getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    private static String canonical(Object value) {
        if (value instanceof ByteBuffer bytes) {
            ByteBuffer copy = bytes.duplicate();
            byte[] raw = new byte[copy.remaining()];
            copy.get(raw);
            return java.util.HexFormat.of().formatHex(raw);
        }
        // Avro's own rendering: JSON-like and deterministic for records, maps (insertion order) and arrays
        return value == null ? "\u0001null" : GenericData.get().toString(value);
    }
}
