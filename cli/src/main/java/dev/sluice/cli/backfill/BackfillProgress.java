package dev.sluice.cli.backfill;

import dev.sluice.ingest.source.TableId;
import dev.sluice.schemas.connect.AvroConverter;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Follows a backfill from Kafka, read_committed (so only what ingest committed counts): counts the
 * incremental-snapshot reads ({@code source.snapshot = incremental}) arriving in the table's change
 * topic, and watches Debezium's notifications for the end of the incremental snapshot (or its
 * abort). Both topics are read from where they ended before the backfill was requested.
 */
final class BackfillProgress {

    /** Where the backfill stands. */
    enum State { RUNNING, COMPLETED, ABORTED }

    private final Consumer<byte[], byte[]> consumer;
    private final String changeTopic;
    private final String notificationTopic;
    private final TableId table;
    private final AvroConverter values = new AvroConverter();
    private long rowsRead;
    private State state = State.RUNNING;

    BackfillProgress(Consumer<byte[], byte[]> consumer, String registryUrl, String changeTopic, String notificationTopic,
                     TableId table) {
        this.consumer = consumer;
        this.changeTopic = changeTopic;
        this.notificationTopic = notificationTopic;
        this.table = table;
        values.configure(Map.of("schema.registry.url", registryUrl), false);
    }

    /** Positions the consumer at the current end of both topics: call before requesting the backfill. */
    void startAtEnd() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(changeTopic, notificationTopic)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve now, not at the first poll after the request
    }

    /** Reads what has arrived; returns the state afterwards. */
    State poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            if (r.value() == null) {
                continue;
            }
            Object value = values.toConnectData(r.topic(), r.value()).value();
            if (!(value instanceof Struct struct)) {
                continue;
            }
            if (r.topic().equals(changeTopic)) {
                if (isIncrementalRead(struct)) {
                    rowsRead++;
                }
            } else {
                onNotification(struct);
            }
        }
        return state;
    }

    /** After completion: reads the change topic up to its end, so the count includes the last chunk. */
    void drainChangeTopic(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> ends = consumer.endOffsets(
                consumer.assignment().stream().filter(p -> p.topic().equals(changeTopic)).toList());
        while (System.nanoTime() < deadline
                && ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            poll(Duration.ofMillis(200));
        }
    }

    long rowsRead() {
        return rowsRead;
    }

    private static boolean isIncrementalRead(Struct envelope) {
        if (envelope.schema().field("source") == null || !(envelope.get("source") instanceof Struct source)
                || source.schema().field("snapshot") == null) {
            return false;
        }
        return "incremental".equals(source.get("snapshot"));
    }

    private void onNotification(Struct notification) {
        if (!"Incremental Snapshot".equals(field(notification, "aggregate_type"))) {
            return;
        }
        String type = field(notification, "type");
        if ("COMPLETED".equals(type)) {
            state = State.COMPLETED;
        } else if ("ABORTED".equals(type) && mentionsTable(notification)) {
            state = State.ABORTED;
        }
    }

    private boolean mentionsTable(Struct notification) {
        Object data = notification.schema().field("additional_data") == null ? null : notification.get("additional_data");
        return data == null || data.toString().contains(table.toString());
    }

    private static String field(Struct struct, String name) {
        return struct.schema().field(name) == null ? null : String.valueOf(struct.get(name));
    }
}
