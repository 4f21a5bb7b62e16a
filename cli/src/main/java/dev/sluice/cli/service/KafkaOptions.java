package dev.sluice.cli.service;

import dev.sluice.cli.config.ConfigFileOption;
import dev.sluice.cli.config.Section;
import dev.sluice.schemas.kafka.RecordSizeLimit;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a service finds Kafka and the schema registry, plus Kafka client settings passed through (TLS, SASL, tuning).
 * Each may come from the {@code --config} file or the environment instead ({@code kafka:} and {@code schema-registry:}).
 */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,HOST:PORT]",
            description = "Kafka brokers (or kafka.bootstrap.servers in --config, SLUICE_KAFKA_BOOTSTRAP_SERVERS).")
    public String bootstrapServers;

    @Option(names = "--registry-url", paramLabel = "URL",
            description = "Schema Registry REST API (or schema-registry.url in --config, SLUICE_SCHEMA_REGISTRY_URL).")
    public String registryUrl;

    @Option(names = "--max-record-bytes", paramLabel = "BYTES",
            description = "The largest record Sluice carries, for every Kafka client and topic (default 64 MiB; or "
                    + "kafka.max.record.bytes in --config, SLUICE_KAFKA_MAX_RECORD_BYTES).")
    public Long maxRecordBytes;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting passed through as is (repeatable), e.g. security.protocol=SSL.")
    public Map<String, String> kafkaProperties = new LinkedHashMap<>();

    /** These flags as settings of the kafka and schema-registry sections. */
    public ConfigFileOption.Flags addTo(ConfigFileOption.Flags flags) {
        return flags.put(Section.KAFKA, "bootstrap.servers", bootstrapServers)
                .putAll(Section.KAFKA, kafkaProperties)
                .put(Section.KAFKA, RecordSizeLimit.SETTING, maxRecordBytes)
                .put(Section.SCHEMA_REGISTRY, "url", registryUrl);
    }
}
