package dev.sluice.ingest.publish;

import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.source.TableId;
import dev.sluice.schemas.connect.AvroConverter;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.Converter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Debezium's change consumer: converts each change of a captured table to Avro (Schema Registry
 * wire format, through {@link AvroConverter}) and sends it to its topic, keyed by primary key and
 * timestamped with the source commit time. Records of other topics (heartbeats) are not sent,
 * only acknowledged, so their offsets still move the slot forward.
 *
 * <p>Guarantee: at-least-once. A batch is marked processed only after the producer flushed it
 * and every send succeeded, so a stored source offset never runs ahead of what is in Kafka; a
 * crash may resend the batch in flight.
 */
public final class ChangePublisher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChangePublisher.class);

    private final Map<String, TableId> tablesByTopic;
    private final Converter keyConverter;
    private final Converter valueConverter;
    private final Producer<byte[], byte[]> producer;
    private final IngestMetrics metrics;

    public ChangePublisher(Map<String, TableId> tablesByTopic, Converter keyConverter, Converter valueConverter,
                           Producer<byte[], byte[]> producer, IngestMetrics metrics) {
        this.tablesByTopic = Map.copyOf(tablesByTopic);
        this.keyConverter = keyConverter;
        this.valueConverter = valueConverter;
        this.producer = producer;
        this.metrics = metrics;
    }

    /** A publisher with Avro converters on the settings' registry and an idempotent, batched, compressed producer. */
    public static ChangePublisher create(IngestSettings settings, Map<String, TableId> tablesByTopic) {
        Map<String, String> registry = Map.of("schema.registry.url", settings.schemaRegistryUrl());
        AvroConverter keys = new AvroConverter();
        keys.configure(registry, true);
        AvroConverter values = new AvroConverter();
        values.configure(registry, false);
        return new ChangePublisher(tablesByTopic, keys, values, new KafkaProducer<>(producerConfig(settings)), new IngestMetrics());
    }

    static Map<String, Object> producerConfig(IngestSettings settings) {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG, "sluice-ingest-" + settings.topicPrefix(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
        AtomicReference<Exception> failure = new AtomicReference<>();
        for (RecordChangeEvent<SourceRecord> event : batch) {
            SourceRecord record = event.record();
            TableId table = tablesByTopic.get(record.topic());
            if (table == null) {
                log.debug("Not publishing record of topic {} (not a captured table)", record.topic());
                continue;
            }
            send(record, table, failure);
        }
        // Offsets must not be stored before the records are in Kafka: wait for every ack first.
        producer.flush();
        Exception failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("Writing changes to Kafka failed (" + failed.getMessage()
                    + "); the batch was not acknowledged and will be read again after a restart.", failed);
        }
        for (RecordChangeEvent<SourceRecord> event : batch) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
    }

    private void send(SourceRecord record, TableId table, AtomicReference<Exception> failure) {
        String topic = record.topic();
        byte[] key = keyConverter.fromConnectData(topic, record.keySchema(), record.key());
        byte[] value = valueConverter.fromConnectData(topic, record.valueSchema(), record.value());
        long commitTime = SourceCommitTime.of(record);
        String tableName = table.toString();
        producer.send(new ProducerRecord<>(topic, null, commitTime, key, value), (metadata, error) -> {
            if (error != null) {
                failure.compareAndSet(null, error);
            } else {
                metrics.acknowledged(tableName, Duration.ofMillis(System.currentTimeMillis() - commitTime));
            }
        });
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
        closeQuietly(keyConverter);
        closeQuietly(valueConverter);
    }

    private static void closeQuietly(Converter converter) {
        try {
            converter.close();
        } catch (IOException | RuntimeException e) {
            log.warn("Closing a converter failed: {}", e.toString());
        }
    }
}
