package dev.sluice.cli.service;

import dev.sluice.transforms.runtime.TransformConfig;
import dev.sluice.transforms.runtime.TransformService;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sluice transform}: the stream-transforms replication pipeline as its own process. */
@Command(name = "transform", mixinStandardHelpOptions = true,
        description = "Run stream-transforms: change topics into deduplicated row topics.")
public final class TransformCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--state-dir", defaultValue = ".sluice/streams", description = "Local state (RocksDB) (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> overrides = new HashMap<>(kafka.kafkaProperties);
        TransformService transforms = new TransformService(TransformConfig.of(kafka.bootstrapServers, kafka.registryUrl)
                .withStateDir(stateDir)
                .withKafkaOverrides(overrides));
        transforms.start();
        return ServiceLifetime.runUntilStopped("sluice transform", transforms);
    }
}
