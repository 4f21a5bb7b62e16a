package dev.sluice.transforms.enrich;

import dev.sluice.transforms.unwrap.ChangeUnwrapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * After the foreign-key join: a fact that leaves the join result (the fact was deleted, or its dimension row
 * was) must leave downstream too, or an aggregate would go on counting it. Kafka Streams says so with a null
 * value; this turns it into the fact's last enriched row with {@code __deleted = true} and {@code __version}
 * one above that row's, which is what the row-topic contract and the aggregate's retraction understand. The
 * last row per fact key is kept in store {@code <name>-last}.
 */
final class LeftJoinRows implements Processor<GenericRecord, GenericRecord, GenericRecord, GenericRecord> {

    private final String storeName;
    private ProcessorContext<GenericRecord, GenericRecord> context;
    private KeyValueStore<GenericRecord, GenericRecord> last;

    LeftJoinRows(String storeName) {
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<GenericRecord, GenericRecord> context) {
        this.context = context;
        this.last = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<GenericRecord, GenericRecord> record) {
        if (record.value() != null) {
            last.put(record.key(), record.value());
            context.forward(record);
            return;
        }
        GenericRecord previous = last.get(record.key());
        if (previous == null) {
            return; // never joined: nothing went out, nothing to take back
        }
        last.delete(record.key());
        Schema schema = previous.getSchema();
        Schema.Field deleted = schema.getField(ChangeUnwrapper.DELETED);
        if (deleted == null) {
            return; // rows without the contract's columns cannot say "gone"
        }
        GenericData.Record gone = new GenericData.Record((GenericData.Record) previous, true);
        gone.put(deleted.pos(), true);
        Schema.Field version = schema.getField(ChangeUnwrapper.VERSION);
        if (version != null && previous.get(version.pos()) instanceof Long v) {
            gone.put(version.pos(), v + 1);
        }
        context.forward(record.withValue(gone));
    }
}
