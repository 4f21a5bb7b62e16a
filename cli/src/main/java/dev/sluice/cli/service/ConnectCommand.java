package dev.sluice.cli.service;

import dev.sluice.cli.config.ConfigFileOption;
import dev.sluice.cli.config.Section;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.cli.http.ConnectTaskMetrics;
import dev.sluice.cli.http.Health;
import dev.sluice.cli.http.HttpOptions;
import dev.sluice.cli.http.ServiceHttpServer;
import dev.sluice.cli.http.ServiceMetrics;
import dev.sluice.cli.http.Stages;
import dev.sluice.cli.lineage.JobLineage;
import dev.sluice.cli.lineage.PipelineJobs;
import dev.sluice.cli.lineage.ServiceLineage;
import dev.sluice.cli.lineage.SinkJob;
import dev.sluice.cli.local.LocalCommand;
import dev.sluice.cli.local.SchemaChangePolicyOption;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.SinkDeadLetterTopic;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.spec.UserSpecs;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.replicate.ReplicationSpec;
import dev.sluice.embedded.ConnectWorker;
import dev.sluice.sink.config.SchemaChangePolicy;
import org.apache.kafka.common.config.AbstractConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.function.Supplier;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sluice connect}: a Kafka Connect worker running the warehouse sink, as its own process: the replication
 * pipeline's row topics, and with {@code --spec} the output topics of those pipeline specs.
 */
@Command(name = "connect", mixinStandardHelpOptions = true,
        description = "Run a Kafka Connect worker with the warehouse sink: row topics into the warehouse.")
public final class ConnectCommand implements Callable<Integer> {

    @Mixin
    ConfigFileOption config;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    HttpOptions http;

    @Option(names = "--warehouse", paramLabel = "JDBC_URL",
            description = "jdbc:duckdb:FILE or jdbc:postgresql://HOST:PORT/DB (no password in the URL: "
                    + "connect.warehouse.password, else PGPASSWORD).")
    String warehouse;

    @Option(names = "--work-dir", description = "Worker state (default: .sluice/connect).")
    Path workDir;

    @Option(names = "--schema-change-policy", paramLabel = "POLICY",
            converter = SchemaChangePolicyOption.class, description = SchemaChangePolicyOption.DESCRIPTION)
    String schemaChangePolicy;

    @Option(names = "--history", split = ",", paramLabel = "TABLES",
            description = "Warehouse tables that also keep an SCD type 2 history in <table>_history, e.g. orders,customers.")
    List<String> history = new ArrayList<>();

    @Option(names = "--table-name-format", paramLabel = "FORMAT", description = LocalCommand.TABLE_NAME_FORMAT_HELP)
    String tableNameFormat;

    @Option(names = "--spec", paramLabel = "PATH",
            description = "Also sink the output topics of these pipeline specs (files or directories, repeatable), "
                    + "through a second connector, " + SinkConnectorConfig.NAME + "-specs.")
    List<Path> specs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        ConfigFileOption.Flags flags = new ConfigFileOption.Flags()
                .put(Section.CONNECT, "warehouse", warehouse)
                .put(Section.CONNECT, "work.dir", workDir)
                .put(Section.CONNECT, "schema.change.policy", schemaChangePolicy)
                .put(Section.CONNECT, "specs", specs)
                .put(Section.CONNECT, "history.tables", history)
                .put(Section.CONNECT, "table.name.format", tableNameFormat);
        kafka.addTo(flags);
        http.addTo(flags);
        ServiceConfig all = flags.load(config.file, Section.KAFKA, Section.SCHEMA_REGISTRY, Section.HTTP, Section.CONNECT, Section.LINEAGE);
        AbstractConfig c = all.get(Section.CONNECT);
        Path workDir = Path.of(c.getString("work.dir"));
        String schemaChangePolicy = SchemaChangePolicy.parse(c.getString("schema.change.policy")).configValue();
        List<PipelineSpec> pipelines = UserSpecs.load(c.getList("specs").stream().map(Path::of).toList(),
                java.util.Set.of(ReplicationSpec.DEFAULT_PIPELINE));
        WarehouseTarget target = WarehouseTarget.parse(c.getString("warehouse"), workDir.resolve("warehouse.duckdb"))
                .withCredentials(c.getString("warehouse.user"),
                        c.getPassword("warehouse.password") == null ? null : c.getPassword("warehouse.password").value())
                .withHistory(c.getList("history.tables"))
                .withTableNameFormat(c.getString("table.name.format"));
        target.check();
        Map<String, String> worker = all.connectWorker();
        SinkDeadLetterTopic.ensure(all.bootstrapServers(), all.kafkaPassThrough(), all.recordSizeLimit());
        Map<String, String> secrets = all.connectorSecrets();
        ServiceMetrics.prometheus(); // before the sink task records its first meter
        ConnectWorker connect = ConnectWorker.start(all.bootstrapServers(), workDir, worker);
        List<String> connectors = new ArrayList<>(List.of(SinkConnectorConfig.NAME));
        if (!pipelines.isEmpty()) {
            connectors.add(SinkConnectorConfig.NAME + "-specs");
        }
        Health health = new Health(List.of(Stages.connect(connect, () -> connectors)));
        ServiceHttpServer server;
        try {
            server = ServiceHttpServer.start(all.get(Section.HTTP).getInt("port"), ServiceMetrics.prometheus(), health);
        } catch (RuntimeException e) {
            connect.close();
            throw e;
        }
        System.out.println("sluice connect serves " + server.describe() + " (Connect REST " + connect.restUrl() + ")");
        try {
            connect.createConnector(SinkConnectorConfig.NAME, withSecrets(SinkConnectorConfig.forWarehouse(target,
                    all.registryUrl(), schemaChangePolicy), secrets));
            if (!pipelines.isEmpty()) {
                connect.createConnector(SinkConnectorConfig.NAME + "-specs", withSecrets(SinkConnectorConfig.forTopicsRegex(
                        target, all.registryUrl(), schemaChangePolicy, UserSpecs.outputTopicsRegex(pipelines)), secrets));
            }
        } catch (RuntimeException e) {
            server.close();
            connect.close();
            throw e;
        }
        // Connect's own task metrics (JMX) beside the sink's: its tasks exist once createConnector returned
        for (String name : connectors) {
            connect.connectorStatus(name).tasks().forEach(t -> ConnectTaskMetrics.bind(ServiceMetrics.prometheus(), name, t.id()));
        }
        List<JobLineage> jobs = new ArrayList<>(List.of(PipelineJobs.replicationSink(SinkConnectorConfig.NAME, target)));
        if (!pipelines.isEmpty()) {
            jobs.add(SinkJob.matching(SinkConnectorConfig.NAME + "-specs", UserSpecs.outputTopicsRegex(pipelines), target));
        }
        Supplier<ServiceLineage> lineage = () -> ServiceLineage.start(all, jobs);
        return ServiceLifetime.runUntilStopped("sluice connect", () -> {
            connect.close();
            server.close();
        }, health, lineage);
    }

    private static Map<String, String> withSecrets(Map<String, String> connector, Map<String, String> secrets) {
        Map<String, String> c = new HashMap<>(connector);
        c.putAll(secrets);
        return c;
    }
}
