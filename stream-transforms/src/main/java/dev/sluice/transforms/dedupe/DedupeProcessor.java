package dev.sluice.transforms.dedupe;

import io.micrometer.core.instrument.Counter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Forwards the first copy of each event and drops (and counts) later copies, for events whose timestamp
 * is within the retention behind stream time. Two stores: {@code seen} maps event id to event timestamp
 * (the lookup), {@code expiry} holds (timestamp, event id) in time order so a stream-time punctuation can
 * delete expired ids with one range scan instead of scanning everything.
 */
final class DedupeProcessor<K, V> implements FixedKeyProcessor<K, V, V> {

    private static final byte[] EMPTY = new byte[0];

    private final String seenStoreName;
    private final String expiryStoreName;
    private final long retentionMs;
    private final Duration purgeInterval;
    private final EventIds<? super K, ? super V> eventIds;
    private final Counter duplicates;

    private FixedKeyProcessorContext<K, V> context;
    private KeyValueStore<Bytes, Long> seen;
    private KeyValueStore<Bytes, byte[]> expiry;

    DedupeProcessor(String seenStoreName, String expiryStoreName, Duration retention, Duration purgeInterval,
                    EventIds<? super K, ? super V> eventIds, Counter duplicates) {
        this.seenStoreName = seenStoreName;
        this.expiryStoreName = expiryStoreName;
        this.retentionMs = retention.toMillis();
        this.purgeInterval = purgeInterval;
        this.eventIds = eventIds;
        this.duplicates = duplicates;
    }

    @Override
    public void init(FixedKeyProcessorContext<K, V> context) {
        this.context = context;
        this.seen = context.getStateStore(seenStoreName);
        this.expiry = context.getStateStore(expiryStoreName);
        // stream time, not wall-clock: a replay purges exactly as the first run did
        context.schedule(purgeInterval, PunctuationType.STREAM_TIME, this::purgeBefore);
    }

    @Override
    public void process(FixedKeyRecord<K, V> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        Bytes id = Bytes.wrap(eventIds.eventId(topic, record.key(), record.value()));
        long cutoff = cutoff(context.currentStreamTimeMs());

        Long seenAt = seen.get(id);
        // the cutoff check makes the outcome independent of when the last purge ran
        if (seenAt != null && seenAt >= cutoff) {
            duplicates.increment();
            return;
        }
        if (seenAt != null) {
            expiry.delete(expiryKey(seenAt, id));
        }
        seen.put(id, record.timestamp());
        expiry.put(expiryKey(record.timestamp(), id), EMPTY);
        context.forward(record);
    }

    private long cutoff(long streamTime) {
        return streamTime - retentionMs;
    }

    /** Deletes every id whose event timestamp is older than the retention behind {@code streamTime}. */
    private void purgeBefore(long streamTime) {
        long cutoff = cutoff(streamTime);
        List<Bytes> expired = new ArrayList<>();
        // keys are (ordered timestamp, id); the bare 8-byte prefix of the cutoff sorts after every key of an
        // earlier timestamp and before every key of the cutoff itself
        try (KeyValueIterator<Bytes, byte[]> it = expiry.range(Bytes.wrap(orderedLong(Long.MIN_VALUE)),
                Bytes.wrap(orderedLong(cutoff)))) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                if (entry.key.get().length > Long.BYTES) {
                    expired.add(entry.key);
                }
            }
        }
        for (Bytes key : expired) {
            expiry.delete(key);
            seen.delete(Bytes.wrap(idOf(key)));
        }
    }

    static Bytes expiryKey(long timestamp, Bytes id) {
        byte[] idBytes = id.get();
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + idBytes.length)
                .put(orderedLong(timestamp)).put(idBytes).array());
    }

    private static byte[] idOf(Bytes expiryKey) {
        byte[] key = expiryKey.get();
        byte[] id = new byte[key.length - Long.BYTES];
        System.arraycopy(key, Long.BYTES, id, 0, id.length);
        return id;
    }

    /** Big-endian with the sign bit flipped: unsigned byte order equals numeric order, negatives included. */
    private static byte[] orderedLong(long value) {
        return ByteBuffer.allocate(Long.BYTES).putLong(value ^ Long.MIN_VALUE).array();
    }
}
