package dev.sluice.cli.service;

import dev.sluice.cli.config.ConfigFileOption;
import dev.sluice.cli.config.Section;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.cli.http.Health;
import dev.sluice.cli.http.HttpOptions;
import dev.sluice.cli.http.ServiceHttpServer;
import dev.sluice.cli.http.ServiceMetrics;
import dev.sluice.cli.http.Stages;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sluice registry}: the embedded Schema Registry (the Confluent-compatible REST API, schemas kept in the
 * compacted {@code _schemas} topic) as a service of its own, for a deployment without another registry.
 */
@Command(name = "registry", mixinStandardHelpOptions = true,
        description = "Run the schema registry: the Schema Registry REST API, schemas stored in Kafka topic _schemas.")
public final class RegistryCommand implements Callable<Integer> {

    @Mixin
    ConfigFileOption config;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,HOST:PORT]",
            description = "Kafka brokers (or kafka.bootstrap.servers in --config, SLUICE_KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrapServers;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "A Kafka client setting passed through as is (repeatable), e.g. security.protocol=SSL.")
    java.util.Map<String, String> kafkaProperties = new java.util.LinkedHashMap<>();

    @Option(names = "--port", description = "Port of the REST API (default: 8081; 0 picks a free port).")
    Integer port;

    @Option(names = "--topic", description = "Topic the schemas are kept in (default: " + EmbeddedSchemaRegistry.DEFAULT_TOPIC + ").")
    String topic;

    @Mixin
    HttpOptions http;

    @Override
    public Integer call() throws Exception {
        ConfigFileOption.Flags flags = new ConfigFileOption.Flags()
                .put(Section.KAFKA, "bootstrap.servers", bootstrapServers)
                .putAll(Section.KAFKA, kafkaProperties)
                .put(Section.REGISTRY, "port", port)
                .put(Section.REGISTRY, "topic", topic);
        http.addTo(flags);
        ServiceConfig all = flags.load(config.file, Section.KAFKA, Section.HTTP, Section.REGISTRY);
        String bootstrapServers = all.bootstrapServers();
        int port = all.get(Section.REGISTRY).getInt("port");
        String topic = all.get(Section.REGISTRY).getString("topic");
        ServiceMetrics.prometheus();
        // all interfaces: the other services reach it from their own containers or pods
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(bootstrapServers, all.kafkaPassThrough(),
                new InetSocketAddress(port), topic);
        Health health = new Health(List.of(Stages.registry(registry)));
        ServiceHttpServer server;
        try {
            server = ServiceHttpServer.start(all.get(Section.HTTP).getInt("port"), ServiceMetrics.prometheus(), health);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        System.out.println("sluice registry serves the Schema Registry API at " + registry.url() + " (topic " + topic
                + " on " + bootstrapServers + ")");
        System.out.println("sluice registry serves " + server.describe());
        return ServiceLifetime.runUntilStopped("sluice registry", () -> {
            registry.close();
            server.close();
        }, health);
    }
}
