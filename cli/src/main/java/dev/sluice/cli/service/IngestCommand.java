package dev.sluice.cli.service;

import dev.sluice.cli.config.ConfigFileOption;
import dev.sluice.cli.config.Section;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.cli.http.Health;
import dev.sluice.cli.http.HttpOptions;
import dev.sluice.cli.http.ServiceHttpServer;
import dev.sluice.cli.http.ServiceMetrics;
import dev.sluice.cli.http.Stages;
import dev.sluice.cli.lineage.IngestJob;
import dev.sluice.cli.lineage.JobLineage;
import dev.sluice.cli.lineage.ServiceLineage;
import dev.sluice.ingest.source.ResolvedTables;
import dev.sluice.ingest.source.TableId;
import dev.sluice.cli.source.SourceUrl;
import io.micrometer.core.instrument.Metrics;
import dev.sluice.ingest.IngestService;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.TransactionBound;
import dev.sluice.ingest.slot.CaptureLease;
import dev.sluice.cli.local.DurationOption;
import org.apache.kafka.common.config.AbstractConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.concurrent.Callable;

/** {@code sluice ingest}: cdc-ingest as its own process (PostgreSQL changes into Kafka). */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Run cdc-ingest: capture PostgreSQL changes into Kafka change topics.")
public final class IngestCommand implements Callable<Integer> {

    /** How often a standby asks for the capture lease: a takeover follows the holder's end within about this. */
    static final Duration LEASE_RETRY = Duration.ofSeconds(1);

    @Mixin
    ConfigFileOption config;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    HttpOptions http;

    @Option(names = "--source-url", paramLabel = "postgresql://USER@HOST:PORT/DB",
            description = "The database to capture (no password in the URL: ingest.source.password, else PGPASSWORD;"
                    + " ?sslmode=... and other driver parameters are kept).")
    String sourceUrl;

    @Option(names = "--tables", split = ",", paramLabel = "SCHEMA.TABLE",
            description = "Tables to capture (default: every table with a primary key).")
    List<String> tables = new ArrayList<>();

    @Option(names = "--snapshot-mode", paramLabel = "MODE",
            description = "Snapshot mode: initial (default: existing rows in resumable chunks while changes stream), never or no_data"
                    + " (changes only), when_needed (snapshot again if the stored offset is gone), initial_only, always (Debezium's blocking snapshot).")
    String snapshotMode;

    @Option(names = "--slot", description = "Replication slot (default: " + IngestSettings.DEFAULT_SLOT_NAME + ").")
    String slot;

    @Option(names = "--publication", description = "Publication (default: " + IngestSettings.DEFAULT_PUBLICATION_NAME + ").")
    String publication;

    @Option(names = "--control-schema", paramLabel = "SCHEMA",
            description = "Schema of Sluice's signal and heartbeat tables in the source (default: "
                    + IngestSettings.DEFAULT_CONTROL_SCHEMA + "); give the ingest user a schema of its own.")
    String controlSchema;

    @Option(names = "--slot-lag-warning-mb", paramLabel = "MB",
            description = "Log a warning while the slot holds more WAL than this (default: 1024).")
    Long slotLagWarningMb;

    @Option(names = "--partitions", description = "Partitions of new change topics (default: 1).")
    Integer partitions;

    @Option(names = "--heartbeat-interval", converter = DurationOption.class, paramLabel = "DURATION",
            description = "How often the source position is sent downstream, so the warehouse knows it is complete up to it"
                    + " even while tables are idle (default: 5s).")
    Duration heartbeatInterval;

    /** Every setting of ingest, from flags, environment, --config file and defaults; stops on a bad one. */
    ServiceConfig settings() {
        ConfigFileOption.Flags flags = new ConfigFileOption.Flags()
                .put(Section.INGEST, "source.url", sourceUrl)
                .put(Section.INGEST, "tables", tables)
                .put(Section.INGEST, "snapshot.mode", snapshotMode)
                .put(Section.INGEST, "slot", slot)
                .put(Section.INGEST, "publication", publication)
                .put(Section.INGEST, "control.schema", controlSchema)
                .put(Section.INGEST, "slot.lag.warning.mb", slotLagWarningMb)
                .put(Section.INGEST, "partitions", partitions)
                .put(Section.INGEST, "heartbeat.interval.ms", heartbeatInterval == null ? null : heartbeatInterval.toMillis());
        kafka.addTo(flags);
        http.addTo(flags);
        return flags.load(config.file, Section.KAFKA, Section.SCHEMA_REGISTRY, Section.HTTP, Section.INGEST, Section.LINEAGE);
    }

    @Override
    public Integer call() throws Exception {
        ServiceConfig all = settings();
        AbstractConfig c = all.get(Section.INGEST);
        SourceUrl source = SourceUrl.parse(c.getString("source.url"));
        if (c.getPassword("source.password") != null) {
            source = source.withPassword(c.getPassword("source.password").value());
        }
        IngestSettings settings = IngestSettings.builder()
                .sourceHost(source.host()).sourcePort(source.port()).database(source.database())
                .user(source.user()).password(source.password())
                .jdbcParameters(source.parameters())
                .tables(c.getList("tables"))
                .bootstrapServers(all.bootstrapServers())
                .kafkaProperties(all.kafkaPassThrough())
                .recordSizeLimit(all.recordSizeLimit())
                .schemaRegistryUrl(all.registryUrl())
                .registryProperties(all.registryAccess(true))
                .topicPartitions(c.getInt("partitions"))
                .snapshotMode(c.getString("snapshot.mode"))
                .slotName(c.getString("slot"))
                .publicationName(c.getString("publication"))
                .controlSchema(c.getString("control.schema"))
                .slotLagWarningBytes(c.getLong("slot.lag.warning.mb") * 1024 * 1024)
                .heartbeatInterval(Duration.ofMillis(c.getLong("heartbeat.interval.ms")))
                .transactionBound(new TransactionBound(c.getInt("transaction.max.changes"), c.getLong("transaction.max.bytes"),
                        Duration.ofMillis(c.getLong("transaction.max.age.ms"))))
                .loadChunkSize(c.getInt("load.chunk.size"))
                .build();
        IngestService ingest = new IngestService(settings);
        // served before the start: creating the slot waits for open source transactions, and /health/ready says so
        Health health = new Health(List.of(Stages.ingest(ingest)));
        ServiceHttpServer server = ServiceHttpServer.start(all.get(Section.HTTP).getInt("port"), ServiceMetrics.prometheus(), health);
        ingest.debeziumMetrics().bindTo(Metrics.globalRegistry);
        System.out.println("sluice ingest serves " + server.describe());
        // one capturing process per slot: a second one waits here as standby (live, not ready) and takes over
        CaptureLease lease = CaptureLease.acquire(settings, LEASE_RETRY, state -> System.out.println("sluice ingest " + state));
        health.add(Stages.captureLease(lease));
        ResolvedTables tables;
        try {
            tables = ingest.start();
        } catch (RuntimeException e) {
            lease.close();
            server.close();
            throw e;
        }
        List<String> captured = tables.captured().stream().map(TableId::toString).toList();
        List<JobLineage> jobs = List.of(new IngestJob(settings.slotName(), source, () -> captured, settings.topicPrefix()));
        Supplier<ServiceLineage> lineage = () -> ServiceLineage.start(all, jobs);
        return ServiceLifetime.runUntilStopped("sluice ingest", () -> {
            ingest.close();
            lease.close(); // after capturing stopped: only then may a standby take over
            server.close();
        }, health, lineage);
    }
}
