package dev.sluice.cli.service;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;

/** Where a service finds Kafka and the schema registry, plus Kafka client settings passed through (TLS, SASL, tuning). */
public final class KafkaOptions {

    @Option(names = "--bootstrap-servers", required = true, paramLabel = "HOST:PORT[,HOST:PORT]",
            description = "Kafka brokers.")
    public String bootstrapServers;

    @Option(names = "--registry-url", required = true, paramLabel = "URL", description = "Schema Registry REST API.")
    public String registryUrl;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting passed through as is (repeatable), e.g. security.protocol=SSL.")
    public Map<String, String> kafkaProperties = new LinkedHashMap<>();
}
