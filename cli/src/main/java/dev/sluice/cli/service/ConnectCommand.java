package dev.sluice.cli.service;

import dev.sluice.cli.http.Health;
import dev.sluice.cli.http.HttpOptions;
import dev.sluice.cli.http.ServiceHttpServer;
import dev.sluice.cli.http.ServiceMetrics;
import dev.sluice.cli.http.Stages;
import dev.sluice.cli.local.SchemaChangePolicyOption;
import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.spec.UserSpecs;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.replicate.ReplicationSpec;
import dev.sluice.embedded.ConnectWorker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
    KafkaOptions kafka;

    @Mixin
    HttpOptions http;

    @Option(names = "--warehouse", required = true, paramLabel = "JDBC_URL",
            description = "jdbc:duckdb:FILE or jdbc:postgresql://HOST:PORT/DB.")
    String warehouse;

    @Option(names = "--work-dir", defaultValue = ".sluice/connect", description = "Worker state (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--schema-change-policy", paramLabel = "POLICY", defaultValue = SinkConnectorConfig.DEFAULT_POLICY,
            converter = SchemaChangePolicyOption.class, description = SchemaChangePolicyOption.DESCRIPTION)
    String schemaChangePolicy;

    @Option(names = "--spec", paramLabel = "PATH",
            description = "Also sink the output topics of these pipeline specs (files or directories, repeatable), "
                    + "through a second connector, " + SinkConnectorConfig.NAME + "-specs.")
    List<Path> specs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        List<PipelineSpec> pipelines = UserSpecs.load(specs, java.util.Set.of(ReplicationSpec.DEFAULT_PIPELINE));
        WarehouseTarget target = WarehouseTarget.parse(warehouse, workDir.resolve("warehouse.duckdb"));
        target.check();
        Map<String, String> worker = new HashMap<>();
        worker.put("offset.flush.interval.ms", "250");
        // Kafka settings reach the worker's own clients and, prefixed, its sink consumers
        kafka.kafkaProperties.forEach((k, v) -> {
            worker.put(k, v);
            worker.put("consumer." + k, v);
        });
        ServiceMetrics.prometheus(); // before the sink task records its first meter
        ConnectWorker connect = ConnectWorker.start(kafka.bootstrapServers, workDir, worker);
        List<String> connectors = new ArrayList<>(List.of(SinkConnectorConfig.NAME));
        if (!pipelines.isEmpty()) {
            connectors.add(SinkConnectorConfig.NAME + "-specs");
        }
        Health health = new Health(List.of(Stages.connect(connect, () -> connectors)));
        ServiceHttpServer server;
        try {
            server = ServiceHttpServer.start(http.httpPort, ServiceMetrics.prometheus(), health);
        } catch (RuntimeException e) {
            connect.close();
            throw e;
        }
        System.out.println("sluice connect serves " + server.describe() + " (Connect REST " + connect.restUrl() + ")");
        try {
            connect.createConnector(SinkConnectorConfig.NAME, SinkConnectorConfig.forWarehouse(target, kafka.registryUrl,
                    schemaChangePolicy));
            if (!pipelines.isEmpty()) {
                connect.createConnector(SinkConnectorConfig.NAME + "-specs", SinkConnectorConfig.forTopicsRegex(target,
                        kafka.registryUrl, schemaChangePolicy, UserSpecs.outputTopicsRegex(pipelines)));
            }
        } catch (RuntimeException e) {
            server.close();
            connect.close();
            throw e;
        }
        return ServiceLifetime.runUntilStopped("sluice connect", () -> {
            connect.close();
            server.close();
        }, health);
    }
}
