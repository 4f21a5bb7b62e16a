package dev.sluice.cli.service;

import dev.sluice.cli.http.Health;
import dev.sluice.cli.http.HttpOptions;
import dev.sluice.cli.http.ServiceHttpServer;
import dev.sluice.cli.http.ServiceMetrics;
import dev.sluice.cli.http.Stages;
import dev.sluice.cli.source.SourceUrl;
import io.micrometer.core.instrument.Metrics;
import dev.sluice.ingest.IngestService;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.cli.local.DurationOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code sluice ingest}: cdc-ingest as its own process (PostgreSQL changes into Kafka). */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Run cdc-ingest: capture PostgreSQL changes into Kafka change topics.")
public final class IngestCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    HttpOptions http;

    @Option(names = "--source-url", required = true, paramLabel = "postgresql://USER@HOST:PORT/DB",
            description = "The database to capture (password from PGPASSWORD).")
    String sourceUrl;

    @Option(names = "--tables", split = ",", paramLabel = "SCHEMA.TABLE",
            description = "Tables to capture (default: every table with a primary key).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--snapshot-mode", defaultValue = IngestSettings.DEFAULT_SNAPSHOT_MODE, paramLabel = "MODE",
            description = "Debezium snapshot mode: initial (default: existing rows, then changes), never or no_data"
                    + " (changes only), when_needed (snapshot again if the stored offset is gone), initial_only, always.")
    String snapshotMode;

    @Option(names = "--slot", defaultValue = IngestSettings.DEFAULT_SLOT_NAME, description = "Replication slot (default: ${DEFAULT-VALUE}).")
    String slot;

    @Option(names = "--publication", defaultValue = IngestSettings.DEFAULT_PUBLICATION_NAME,
            description = "Publication (default: ${DEFAULT-VALUE}).")
    String publication;

    @Option(names = "--slot-lag-warning-mb", defaultValue = "1024", paramLabel = "MB",
            description = "Log a warning while the slot holds more WAL than this (default: ${DEFAULT-VALUE}).")
    long slotLagWarningMb;

    @Option(names = "--partitions", defaultValue = "1", description = "Partitions of new change topics (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--heartbeat-interval", defaultValue = "5s", converter = DurationOption.class, paramLabel = "DURATION",
            description = "How often the source position is sent downstream, so the warehouse knows it is complete up to it"
                    + " even while tables are idle (default: ${DEFAULT-VALUE}).")
    Duration heartbeatInterval;

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
                .snapshotMode(snapshotMode)
                .slotName(slot)
                .publicationName(publication)
                .slotLagWarningBytes(slotLagWarningMb * 1024 * 1024)
                .heartbeatInterval(heartbeatInterval)
                .build();
        IngestService ingest = new IngestService(settings);
        // served before the start: creating the slot waits for open source transactions, and /health/ready says so
        Health health = new Health(List.of(Stages.ingest(ingest)));
        ServiceHttpServer server = ServiceHttpServer.start(http.httpPort, ServiceMetrics.prometheus(), health);
        ingest.debeziumMetrics().bindTo(Metrics.globalRegistry);
        System.out.println("sluice ingest serves " + server.describe());
        try {
            ingest.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return ServiceLifetime.runUntilStopped("sluice ingest", () -> {
            ingest.close();
            server.close();
        }, health);
    }
}
