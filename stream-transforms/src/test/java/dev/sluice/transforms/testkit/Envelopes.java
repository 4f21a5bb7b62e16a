package dev.sluice.transforms.testkit;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Builds Debezium-shaped PostgreSQL change envelopes for a table with columns id (int, key), amount
 * (Connect decimal 10,2), note (nullable string) and created_at (Debezium MicroTimestamp), with the schema
 * properties cdc-ingest's converter writes ({@code connect.name}, {@code connect.parameters}).
 */
public final class Envelopes {

    public final Schema keySchema;
    public final Schema valueSchema;
    public final Schema sourceSchema;
    public final Schema envelopeSchema;
    private final String schema;
    private final String table;

    private Envelopes(String schema, String table) {
        this.schema = schema;
        this.table = table;
        String ns = "sluice." + schema + "." + table;
        keySchema = parse("""
                {"type":"record","name":"Key","namespace":"%s","connect.name":"%s.Key",
                 "fields":[{"name":"id","type":"int"}]}""".formatted(ns, ns));
        valueSchema = parse("""
                {"type":"record","name":"Value","namespace":"%s","connect.name":"%s.Value","fields":[
                  {"name":"id","type":"int"},
                  {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2,
                    "connect.version":1,"connect.name":"org.apache.kafka.connect.data.Decimal",
                    "connect.parameters":{"scale":"2","connect.decimal.precision":"10"}}},
                  {"name":"note","type":["null","string"],"default":null},
                  {"name":"created_at","type":{"type":"long","connect.version":1,
                    "connect.name":"io.debezium.time.MicroTimestamp"}}]}""".formatted(ns, ns));
        sourceSchema = parse("""
                {"type":"record","name":"Source","namespace":"io.debezium.connector.postgresql",
                 "connect.name":"io.debezium.connector.postgresql.Source","fields":[
                  {"name":"version","type":"string"},{"name":"connector","type":"string"},
                  {"name":"name","type":"string"},{"name":"ts_ms","type":"long"},
                  {"name":"snapshot","type":["null","string"],"default":null},
                  {"name":"db","type":"string"},{"name":"schema","type":"string"},{"name":"table","type":"string"},
                  {"name":"txId","type":["null","long"],"default":null},
                  {"name":"lsn","type":["null","long"],"default":null},
                  {"name":"xmin","type":["null","long"],"default":null}]}""");
        envelopeSchema = new Schema.Parser().parse("""
                {"type":"record","name":"Envelope","namespace":"%s","connect.name":"%s.Envelope","fields":[
                  {"name":"before","type":["null",%s],"default":null},
                  {"name":"after","type":["null","%s.Value"],"default":null},
                  {"name":"source","type":%s},
                  {"name":"op","type":"string"},
                  {"name":"ts_ms","type":["null","long"],"default":null}]}"""
                .formatted(ns, ns, valueSchema, ns, sourceSchema));
    }

    public static Envelopes forTable(String schema, String table) {
        return new Envelopes(schema, table);
    }

    public String topic(String prefix) {
        return prefix + "." + schema + "." + table;
    }

    public GenericRecord key(int id) {
        GenericData.Record key = new GenericData.Record(keySchema);
        key.put("id", id);
        return key;
    }

    public GenericRecord row(int id, String amount, String note, long createdMicros) {
        GenericData.Record row = new GenericData.Record(valueSchema);
        row.put("id", id);
        row.put("amount", ByteBuffer.wrap(new BigDecimal(amount).setScale(2).unscaledValue().toByteArray()));
        row.put("note", note);
        row.put("created_at", createdMicros);
        return row;
    }

    /** An envelope; {@code op} c/u/r/d, {@code tsMs} the source commit time. */
    public GenericRecord envelope(String op, GenericRecord before, GenericRecord after, long lsn, long tsMs) {
        GenericData.Record source = new GenericData.Record(sourceSchema);
        source.put("version", "3.7.0.Final");
        source.put("connector", "postgresql");
        source.put("name", "sluice");
        source.put("ts_ms", tsMs);
        source.put("snapshot", "r".equals(op) ? "true" : "false");
        source.put("db", "shop");
        source.put("schema", schema);
        source.put("table", table);
        source.put("txId", 700L);
        source.put("lsn", lsn);
        GenericData.Record envelope = new GenericData.Record(envelopeSchema);
        envelope.put("before", before);
        envelope.put("after", after);
        envelope.put("source", source);
        envelope.put("op", op);
        envelope.put("ts_ms", tsMs + 5);
        return envelope;
    }

    public GenericRecord insert(int id, String amount, long lsn, long tsMs) {
        return envelope("c", null, row(id, amount, null, tsMs * 1000), lsn, tsMs);
    }

    public GenericRecord update(int id, String oldAmount, String amount, long lsn, long tsMs) {
        return envelope("u", row(id, oldAmount, null, tsMs * 1000), row(id, amount, "changed", tsMs * 1000), lsn, tsMs);
    }

    public GenericRecord delete(int id, String amount, long lsn, long tsMs) {
        return envelope("d", row(id, amount, null, tsMs * 1000), null, lsn, tsMs);
    }

    private static Schema parse(String json) {
        return new Schema.Parser().parse(json);
    }
}
