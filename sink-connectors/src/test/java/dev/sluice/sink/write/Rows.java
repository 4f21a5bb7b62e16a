package dev.sluice.sink.write;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/** Builds row-topic records (docs/CONTRACTS.md) for an {@code orders} table keyed by (region, id). */
final class Rows {
    static final Schema KEY = SchemaBuilder.struct().name("k")
            .field("region", Schema.STRING_SCHEMA).field("id", Schema.INT32_SCHEMA).build();
    static final Schema VALUE = SchemaBuilder.struct().name("v")
            .field("region", Schema.STRING_SCHEMA).field("id", Schema.INT32_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field(RowRecord.SOURCE_TS, Schema.INT64_SCHEMA).field(RowRecord.VERSION, Schema.INT64_SCHEMA)
            .field(RowRecord.DELETED, Schema.BOOLEAN_SCHEMA).build();

    private Rows() {
    }

    static SinkRecord row(int partition, long offset, String region, int id, String note, long version, boolean deleted) {
        Struct key = new Struct(KEY).put("region", region).put("id", id);
        Struct value = new Struct(VALUE).put("region", region).put("id", id).put("note", note)
                .put(RowRecord.SOURCE_TS, 1_000L + version).put(RowRecord.VERSION, version).put(RowRecord.DELETED, deleted);
        return new SinkRecord("replica.public.orders", partition, KEY, key, VALUE, value, offset);
    }
}
