package dev.sluice.ingest.publish;

import dev.sluice.ingest.IngestSettings;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The ingest producer's settings: the user's client settings, then the exactly-once essentials over them. */
final class IngestProducerConfig {

    private IngestProducerConfig() {
    }

    static Map<String, Object> of(IngestSettings settings) {
        // the record size limit, then the user's client settings (TLS, SASL, tuning): the exactly-once essentials
        // below win
        Map<String, Object> config = new HashMap<>(settings.recordSizeLimit().withProducer(settings.kafkaProperties()));
        config.putAll(Map.ofEntries(
                Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers()),
                Map.entry(ProducerConfig.CLIENT_ID_CONFIG, "sluice-ingest-" + settings.topicPrefix()),
                Map.entry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId()),
                Map.entry(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) settings.transactionTimeout().toMillis()),
                Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                Map.entry(ProducerConfig.ACKS_CONFIG, "all"),
                Map.entry(ProducerConfig.LINGER_MS_CONFIG, 5),
                Map.entry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"),
                // each batch opens an LZ4 stream with 64 KiB block buffers: at full speed 16 KiB batches
                // made that a twentieth of the publisher thread's CPU (JFR); bigger batches open fewer.
                // Latency is unchanged: linger.ms, not the batch size, decides when a batch is sent.
                Map.entry(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                Map.entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class),
                Map.entry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)));
        return config;
    }
}
