package dev.sluice.cli.service;

import dev.sluice.cli.http.Health;
import dev.sluice.cli.http.HttpOptions;
import dev.sluice.cli.http.ServiceHttpServer;
import dev.sluice.cli.http.ServiceMetrics;
import dev.sluice.cli.http.Stages;
import dev.sluice.transforms.runtime.TransformConfig;
import dev.sluice.transforms.runtime.TransformService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/** {@code sluice transform}: the stream-transforms replication pipeline as its own process. */
@Command(name = "transform", mixinStandardHelpOptions = true,
        description = "Run stream-transforms: change topics into deduplicated row topics.")
public final class TransformCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Mixin
    HttpOptions http;

    @Option(names = "--state-dir", defaultValue = ".sluice/streams", description = "Local state (RocksDB) (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> overrides = new HashMap<>(kafka.kafkaProperties);
        ServiceMetrics.prometheus(); // before Streams binds its metrics into the global registry
        TransformService transforms = new TransformService(TransformConfig.of(kafka.bootstrapServers, kafka.registryUrl)
                .withStateDir(stateDir)
                .withKafkaOverrides(overrides));
        AtomicBoolean closing = new AtomicBoolean();
        Health health = new Health(List.of(Stages.transform("transform", transforms, closing::get)));
        ServiceHttpServer server = ServiceHttpServer.start(http.httpPort, ServiceMetrics.prometheus(), health);
        System.out.println("sluice transform serves " + server.describe());
        try {
            transforms.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return ServiceLifetime.runUntilStopped("sluice transform", () -> {
            closing.set(true);
            transforms.close();
            server.close();
        }, health);
    }
}
