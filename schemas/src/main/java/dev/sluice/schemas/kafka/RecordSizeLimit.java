package dev.sluice.schemas.kafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The largest record Sluice carries, {@code kafka.max.record.bytes}, as the settings of every Kafka client, topic and
 * broker it runs, so that one setting raises them together. Kafka's own defaults stop at about 1 MiB in three places
 * (the producer's {@code max.request.size}, the topic's {@code max.message.bytes}, the broker's
 * {@code message.max.bytes}); a row over it would stop ingest for good.
 *
 * <p>Ingest refuses a change whose serialised key and value exceed {@link #maxRecordBytes()} with a sentence naming
 * the table and key. Everything else allows {@link #requestBytes()}, the limit plus {@link #HEADROOM} for record
 * headers, batch framing and what a pipeline adds to a row (dead-letter headers, enrich joins), so a change ingest
 * accepted is never refused further down.
 */
public record RecordSizeLimit(long maxRecordBytes) {

    /** The setting's name in the {@code kafka:} section of {@code sluice.yaml}. */
    public static final String SETTING = "max.record.bytes";
    /** How the user names it: section and setting. */
    public static final String QUALIFIED = "kafka." + SETTING;
    public static final String ENV = "SLUICE_KAFKA_MAX_RECORD_BYTES";
    public static final long DEFAULT_BYTES = 64L << 20;
    public static final long MIN_BYTES = 1L << 20;
    /** Kafka's int settings (max.request.size, message.max.bytes) bound it; a GiB leaves room for the headroom. */
    public static final long MAX_BYTES = 1L << 30;
    public static final long HEADROOM = 1L << 20;
    public static final RecordSizeLimit DEFAULT = new RecordSizeLimit(DEFAULT_BYTES);

    /** Kafka's default {@code buffer.memory} and {@code fetch.max.bytes} (consumer), kept when they are larger. */
    private static final long DEFAULT_BUFFER_MEMORY = 32L << 20;
    private static final long DEFAULT_FETCH_MAX_BYTES = 50L << 20;
    /** The broker's default {@code socket.request.max.bytes}: a produce request holds at least one record. */
    private static final long DEFAULT_SOCKET_REQUEST_MAX_BYTES = 100L << 20;

    public RecordSizeLimit {
        if (maxRecordBytes < MIN_BYTES || maxRecordBytes > MAX_BYTES) {
            throw new IllegalArgumentException(QUALIFIED + " = " + maxRecordBytes + " is out of range; use a number of "
                    + "bytes from " + MIN_BYTES + " (1 MiB) to " + MAX_BYTES + " (1 GiB).");
        }
    }

    /** What producers, consumers, topics and brokers allow: the limit plus {@link #HEADROOM}. */
    public long requestBytes() {
        return maxRecordBytes + HEADROOM;
    }

    /**
     * A producer's settings: a request may hold one record of {@link #requestBytes()}, and the buffer must too
     * (a record larger than {@code buffer.memory} is refused before it is sent; the buffer fills only as records
     * wait, so a larger bound costs nothing while they are small). {@code batch.size} stays: a record larger than
     * it is sent in a batch of its own.
     */
    public Map<String, Object> producer() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("max.request.size", intValue(requestBytes()));
        p.put("buffer.memory", Math.max(DEFAULT_BUFFER_MEMORY, requestBytes()));
        return p;
    }

    /**
     * A consumer's settings. A consumer takes a batch larger than its fetch limits anyway (it would stall
     * otherwise); raising them keeps one big record from being fetched alone and slowly.
     */
    public Map<String, Object> consumer() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("max.partition.fetch.bytes", intValue(requestBytes()));
        c.put("fetch.max.bytes", intValue(Math.max(DEFAULT_FETCH_MAX_BYTES, requestBytes())));
        return c;
    }

    /** The configs of every topic Sluice creates: the broker's {@code message.max.bytes} is not the limit then. */
    public Map<String, String> topic() {
        return Map.of("max.message.bytes", Long.toString(requestBytes()));
    }

    /**
     * A Kafka Streams application's settings: its producers, its consumers (main, restore, global) and its
     * internal topics (changelogs, repartition topics, through the {@code topic.} prefix).
     */
    public Map<String, Object> streams() {
        Map<String, Object> s = new LinkedHashMap<>();
        producer().forEach((k, v) -> s.put("producer." + k, v));
        consumer().forEach((k, v) -> s.put("consumer." + k, v));
        topic().forEach((k, v) -> s.put("topic." + k, v));
        return s;
    }

    /**
     * A Connect worker's settings: the sink tasks' consumers ({@code consumer.}), the producers of source tasks
     * and of the dead-letter queue ({@code producer.}; Connect gives the DLQ producer the worker's producer
     * settings).
     */
    public Map<String, String> connectWorker() {
        Map<String, String> w = new LinkedHashMap<>();
        producer().forEach((k, v) -> w.put("producer." + k, v.toString()));
        consumer().forEach((k, v) -> w.put("consumer." + k, v.toString()));
        return w;
    }

    /** The settings of a broker Sluice runs itself (local mode, tests): it takes and replicates such records. */
    public Map<String, String> broker() {
        Map<String, String> b = new LinkedHashMap<>();
        b.put("message.max.bytes", Long.toString(requestBytes()));
        b.put("replica.fetch.max.bytes", Long.toString(requestBytes()));
        b.put("replica.fetch.response.max.bytes", Long.toString(Math.max(10L << 20, requestBytes())));
        b.put("fetch.max.bytes", Long.toString(Math.max(55L << 20, requestBytes())));
        b.put("socket.request.max.bytes", Long.toString(Math.max(DEFAULT_SOCKET_REQUEST_MAX_BYTES, requestBytes() + HEADROOM)));
        return b;
    }

    /** {@code base} with this limit's producer settings added where {@code base} does not set them. */
    public Map<String, Object> withProducer(Map<String, ?> base) {
        return under(producer(), base);
    }

    /** {@code base} with this limit's consumer settings added where {@code base} does not set them. */
    public Map<String, Object> withConsumer(Map<String, ?> base) {
        return under(consumer(), base);
    }

    /** The limit's settings first, then the user's own: an explicit client setting (e.g. a smaller buffer) wins. */
    private static Map<String, Object> under(Map<String, Object> ours, Map<String, ?> base) {
        Map<String, Object> m = new LinkedHashMap<>(ours);
        m.putAll(base);
        return m;
    }

    private static int intValue(long bytes) {
        return (int) Math.min(Integer.MAX_VALUE, bytes);
    }

    /** "64 MiB" for 67108864, else the bytes. */
    public String describe() {
        return maxRecordBytes % (1L << 20) == 0 ? (maxRecordBytes >> 20) + " MiB" : maxRecordBytes + " bytes";
    }
}
