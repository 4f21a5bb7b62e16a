package dev.sluice.cli.chaos;

import dev.sluice.cli.demo.DemoSchema;
import dev.sluice.embedded.PostgresServer;
import dev.sluice.cli.local.WarehouseTarget;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command lines of the three services as the chaos and scale runs start them: one broker, registry and demo
 * source; each process serves /metrics and /health on a port of its own (0: a free one), as separate hosts would.
 */
final class ServiceCommands {

    /** Short sessions, so a SIGKILLed member leaves its group in seconds rather than 45. */
    private static final String SESSION_TIMEOUT = "session.timeout.ms=10000";

    private final String bootstrap;
    private final String registryUrl;

    ServiceCommands(String bootstrap, String registryUrl) {
        this.bootstrap = bootstrap;
        this.registryUrl = registryUrl;
    }

    List<String> ingest(PostgresServer source, String database, int partitions) {
        List<String> args = service("ingest");
        args.addAll(List.of("--source-url", "postgresql://" + source.user() + "@localhost:" + source.port() + "/" + database,
                "--tables", String.join(",", DemoSchema.TABLES), "--heartbeat-interval", "1s",
                "--partitions", String.valueOf(partitions)));
        return args;
    }

    List<String> transform(Path stateDir) {
        List<String> args = service("transform");
        args.addAll(List.of("--state-dir", stateDir.toString(), "--kafka-property", SESSION_TIMEOUT));
        return args;
    }

    List<String> connect(WarehouseTarget warehouse, Path workDir) {
        List<String> args = service("connect");
        args.addAll(List.of("--warehouse", warehouse.jdbcUrl(), "--work-dir", workDir.toString(),
                "--kafka-property", SESSION_TIMEOUT));
        return args;
    }

    private List<String> service(String name) {
        return new ArrayList<>(List.of(name, "--bootstrap-servers", bootstrap, "--registry-url", registryUrl, "--http-port", "0"));
    }
}
