package dev.sluice.cli.service;

import dev.sluice.cli.source.SourceUrl;
import dev.sluice.ingest.IngestService;
import dev.sluice.ingest.IngestSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sluice ingest}: cdc-ingest as its own process (PostgreSQL changes into Kafka). */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Run cdc-ingest: capture PostgreSQL changes into Kafka change topics.")
public final class IngestCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--source-url", required = true, paramLabel = "postgresql://USER@HOST:PORT/DB",
            description = "The database to capture (password from PGPASSWORD).")
    String sourceUrl;

    @Option(names = "--tables", split = ",", paramLabel = "SCHEMA.TABLE",
            description = "Tables to capture (default: every table with a primary key).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--partitions", defaultValue = "1", description = "Partitions of new change topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Override
    public Integer call() throws Exception {
        if (!kafka.kafkaProperties.isEmpty()) {
            throw new IllegalArgumentException("--kafka-property is not supported by sluice ingest yet; leave it out.");
        }
        SourceUrl source = SourceUrl.parse(sourceUrl);
        IngestSettings settings = IngestSettings.builder()
                .sourceHost(source.host()).sourcePort(source.port()).database(source.database())
                .user(source.user()).password(source.password())
                .tables(tables)
                .bootstrapServers(kafka.bootstrapServers)
                .schemaRegistryUrl(kafka.registryUrl)
                .topicPartitions(partitions)
                .build();
        IngestService ingest = new IngestService(settings);
        ingest.start();
        return ServiceLifetime.runUntilStopped("sluice ingest", ingest);
    }
}
