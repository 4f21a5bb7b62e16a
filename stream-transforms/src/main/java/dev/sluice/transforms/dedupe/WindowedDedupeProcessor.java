package dev.sluice.transforms.dedupe;

import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/** The rules of {@link WindowedDedupe}, per record. */
final class WindowedDedupeProcessor<V extends GenericRecord> implements FixedKeyProcessor<GenericRecord, V, V> {

    private static final byte[] SEEN = {1};

    private final String storeName;
    private final long windowMs;
    private final long latenessMs;
    private final EventIdExtractor eventIds;
    private final Counter duplicates;
    private final Counter late;

    private FixedKeyProcessorContext<GenericRecord, V> context;
    private WindowStore<Bytes, byte[]> ids;

    WindowedDedupeProcessor(String storeName, DedupeWindow window, EventIdExtractor eventIds, Counter duplicates,
                            Counter late) {
        this.storeName = storeName;
        this.windowMs = window.window().toMillis();
        this.latenessMs = window.allowedLateness().toMillis();
        this.eventIds = eventIds;
        this.duplicates = duplicates;
        this.late = late;
    }

    @Override
    public void init(FixedKeyProcessorContext<GenericRecord, V> context) {
        this.context = context;
        this.ids = context.getStateStore(storeName);
    }

    @Override
    public void process(FixedKeyRecord<GenericRecord, V> record) {
        // a record replayed from the late topic is judged afresh, not by its old verdict
        record.headers().remove(WindowedDedupe.HEADER_LATE_REASON);
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        Bytes id = Bytes.wrap(eventIds.eventId(topic, record.key(), record.value()));
        long eventTime = record.timestamp();
        // stream time already includes this record: Streams advances it before processing
        long watermark = context.currentStreamTimeMs() - latenessMs;
        // ids older than watermark − window may be purged; looking at them would make the answer depend on
        // when RocksDB dropped a segment, so they are never looked at
        long from = Math.max(eventTime - windowMs, watermark - windowMs);
        long to = eventTime + windowMs;
        if (from <= to && seen(id, from, to)) {
            duplicates.increment();
            return;
        }
        if (eventTime < watermark) {
            late.increment();
            String reason = "event time " + eventTime + " is " + (watermark - eventTime)
                    + " ms behind the watermark " + watermark + " (stream time − allowed lateness " + latenessMs
                    + " ms); its duplicates may be forgotten, so it was not checked";
            record.headers().add(WindowedDedupe.HEADER_LATE_REASON, reason.getBytes(StandardCharsets.UTF_8));
            context.forward(record);
            return;
        }
        ids.put(id, SEEN, eventTime);
        context.forward(record);
    }

    private boolean seen(Bytes id, long from, long to) {
        try (WindowStoreIterator<byte[]> it = ids.fetch(id, from, to)) {
            return it.hasNext();
        }
    }
}
