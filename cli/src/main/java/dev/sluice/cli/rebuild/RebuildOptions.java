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

    private ServiceConfig loaded;

    ServiceConfig all() {
        if (loaded == null) {
            ConfigFileOption.Flags flags = new ConfigFileOption.Flags()
                    .put(Section.CONNECT, "warehouse", warehouse)
                    .put(Section.CONNECT, "work.dir", workDir)
                    .put(Section.TRANSFORM, "state.dir", stateDir);
            kafka.addTo(flags);
            loaded = flags.load(config.file, Section.KAFKA, Section.SCHEMA_REGISTRY, Section.CONNECT, Section.TRANSFORM);
        }
        return loaded;
    }

    WarehouseTarget warehouse() {
        AbstractConfig c = all().get(Section.CONNECT);
        WarehouseTarget target = WarehouseTarget.parse(c.getString("warehouse"), workDir().resolve("warehouse.duckdb"))
                .withCredentials(c.getString("warehouse.user"),
                        c.getPassword("warehouse.password") == null ? null : c.getPassword("warehouse.password").value());
        target.check();
        return target;
    }

    Path stateDir() {
        return Path.of(all().get(Section.TRANSFORM).getString("state.dir"));
    }

    Path workDir() {
        return Path.of(all().get(Section.CONNECT).getString("work.dir"));
    }

    Admin admin() {
        return Admin.create(new HashMap<>(all().kafka()));
    }

    /** A rebuild's local directories: its Streams state and its Connect worker's files. */
    List<Path> localDirs(String name) {
        return List.of(stateDir().resolve("rebuild").resolve(name), workDir().resolve("rebuild").resolve(name));
    }
}
