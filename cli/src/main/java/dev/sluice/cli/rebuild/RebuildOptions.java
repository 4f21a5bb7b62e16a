package dev.sluice.cli.rebuild;

import dev.sluice.cli.config.ConfigFileOption;
import dev.sluice.cli.config.Section;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.service.KafkaOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.AbstractConfig;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Where the rebuild commands find Kafka, the registry, the warehouse and local state: the flags, the environment and
 * the {@code --config} file of {@code sluice transform} and {@code sluice connect}, so a rebuild sees what they see.
 */
final class RebuildOptions {

    @Mixin
    ConfigFileOption config;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--warehouse", paramLabel = "JDBC_URL",
            description = "jdbc:duckdb:FILE or jdbc:postgresql://HOST:PORT/DB (or connect.warehouse in --config).")
    String warehouse;

    @Option(names = "--state-dir", description = "Local Streams state, as for sluice transform (default: .sluice/streams).")
    Path stateDir;

    @Option(names = "--work-dir", description = "Connect worker state, as for sluice connect (default: .sluice/connect).")
    Path workDir;

    /** Every section rebuild start reads: Kafka, the registry, the warehouse, state directories. */
    ServiceConfig all() {
        return load(Section.KAFKA, Section.SCHEMA_REGISTRY, Section.CONNECT, Section.TRANSFORM);
    }

    /** Only the sections asked for, so status needs no Kafka setting and promote no registry. */
    private ServiceConfig load(Section... sections) {
        ConfigFileOption.Flags flags = new ConfigFileOption.Flags()
                .put(Section.CONNECT, "warehouse", warehouse)
                .put(Section.CONNECT, "work.dir", workDir)
                .put(Section.TRANSFORM, "state.dir", stateDir);
        kafka.addTo(flags);
        return flags.load(config.file, sections);
    }

    WarehouseTarget warehouse() {
        AbstractConfig c = load(Section.CONNECT).get(Section.CONNECT);
        WarehouseTarget target = WarehouseTarget.parse(c.getString("warehouse"), workDir().resolve("warehouse.duckdb"))
                .withCredentials(c.getString("warehouse.user"),
                        c.getPassword("warehouse.password") == null ? null : c.getPassword("warehouse.password").value());
        target.check();
        return target;
    }

    Path stateDir() {
        return Path.of(load(Section.TRANSFORM).get(Section.TRANSFORM).getString("state.dir"));
    }

    Path workDir() {
        return Path.of(load(Section.CONNECT).get(Section.CONNECT).getString("work.dir"));
    }

    Admin admin() {
        return Admin.create(new HashMap<>(load(Section.KAFKA).kafka()));
    }

    /** A rebuild's local directories: its Streams state and its Connect worker's files. */
    List<Path> localDirs(String name) {
        return List.of(stateDir().resolve("rebuild").resolve(name), workDir().resolve("rebuild").resolve(name));
    }
}
