package dev.sluice.schemas.connect;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/** Connect default values as the plain Java (JSON-like) objects Avro's {@code Schema.Field} takes as defaults. */
final class AvroDefaults {

    private AvroDefaults() {
    }

    static Object toJson(org.apache.kafka.connect.data.Schema connect, Schema avro, Object connectDefault) {
        return jsonLike(ConnectToAvroValue.convert(connect, avro, connectDefault));
    }

    private static Object jsonLike(Object datum) {
        if (datum instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        if (datum instanceof GenericRecord record) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Schema.Field field : record.getSchema().getFields()) {
                out.put(field.name(), jsonLike(record.get(field.pos())));
            }
            return out;
        }
        if (datum instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(k.toString(), jsonLike(v)));
            return out;
        }
        if (datum instanceof Collection<?> items) {
            List<Object> out = new ArrayList<>(items.size());
            items.forEach(item -> out.add(jsonLike(item)));
            return out;
        }
        return datum;
    }
}
