package dev.sluice.ingest.publish;

import dev.sluice.schemas.heartbeat.Heartbeat;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Turns a Debezium heartbeat that stands between source transactions into a {@link Heartbeat} on every
 * partition of every change topic, sent in the open Kafka transaction (the one that also stores the
 * heartbeat's offset). Written after every change published before it, it tells each reader of a partition
 * "everything the source committed before this LSN is ahead of me": the completeness frontier that the
 * warehouse records and that drains and freshness are measured against. An idle table gets them too, so
 * its frontier keeps moving.
 */
final class HeartbeatPublisher {
    private final Producer<byte[], byte[]> producer;
    private final List<String> topics;
    private final Runnable beginTransaction;
    private final Consumer<Exception> sendFailure;
    private final Map<String, Integer> partitionCounts = new HashMap<>();

    HeartbeatPublisher(Producer<byte[], byte[]> producer, Collection<String> changeTopics, Runnable beginTransaction,
                       Consumer<Exception> sendFailure) {
        this.producer = producer;
        this.topics = List.copyOf(changeTopics);
        this.beginTransaction = beginTransaction;
        this.sendFailure = sendFailure;
    }

    /** Sends the heartbeat's position to every change-topic partition; a heartbeat without an LSN is skipped. */
    void publish(SourceRecord heartbeat) {
        Map<String, ?> offset = heartbeat.sourceOffset();
        if (offset == null || !(offset.get("lsn") instanceof Number lsn)) {
            return;
        }
        long sourceTs = offset.get("ts_usec") instanceof Number micros ? micros.longValue() / 1_000 : System.currentTimeMillis();
        for (String topic : topics) {
            int partitions = partitionCounts.computeIfAbsent(topic, t -> producer.partitionsFor(t).size());
            for (int p = 0; p < partitions; p++) {
                beginTransaction.run();
                Heartbeat beat = new Heartbeat(lsn.longValue(), sourceTs, p, partitions);
                producer.send(new ProducerRecord<>(topic, p, sourceTs, null, null, beat.toHeaders()), (metadata, error) -> {
                    if (error != null) {
                        sendFailure.accept(error);
                    }
                });
            }
        }
    }
}
