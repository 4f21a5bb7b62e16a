package dev.sluice.cli.bench.sink;

import dev.sluice.cli.bench.BenchCommand;
import dev.sluice.sink.load.SinkConfigs;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Debezium's JDBC sink as the sink ours is compared with: where its Connect plugin lies and the configuration it runs
 * with. It is loaded from {@code plugin.path} in its own class loader, so its Debezium jars never meet ours.
 */
final class DebeziumJdbcSink {

    static final String CONNECTOR = "io.debezium.connector.jdbc.JdbcSinkConnector";
    private static final String JAR_PREFIX = "debezium-connector-jdbc-";

    private DebeziumJdbcSink() {
    }

    /**
     * {@code compare-plugins} beside the jar (or classes directory) this class came from: {@code cli/target}, where
     * the build unpacks the plugin archive.
     */
    static Path defaultPluginPath() {
        try {
            Path code = Path.of(BenchCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.toAbsolutePath().getParent().resolve("compare-plugins");
        } catch (URISyntaxException | RuntimeException e) {
            return Path.of("cli", "target", "compare-plugins").toAbsolutePath();
        }
    }

    /** {@code dir} as a worker's {@code plugin.path}, once it is known to hold the plugin (in it or one level down). */
    static Path checkPluginPath(Path dir) {
        try (Stream<Path> files = Files.isDirectory(dir) ? Files.walk(dir, 2) : Stream.empty()) {
            if (files.anyMatch(f -> f.getFileName().toString().startsWith(JAR_PREFIX) && f.toString().endsWith(".jar"))) {
                return dir.toAbsolutePath();
            }
        } catch (IOException e) {
            // unreadable: refused below like a missing one
        }
        throw new IllegalArgumentException("Debezium's JDBC sink plugin is not in " + dir.toAbsolutePath()
                + ": build Sluice with `mvn -B -o -q -DskipTests package` (it unpacks the plugin into cli/target/compare-plugins)"
                + " or give --compare-plugin-path the directory holding its debezium-connector-jdbc folder.");
    }

    /**
     * Its fastest upsert configuration, as measured before (docs/benchmarks.md): upserts by record key in batches of
     * 10,000, each key's changes within a batch reduced to the last one. It has no version guard, so a key's older
     * change that arrives after a newer one wins.
     */
    static Map<String, String> config(String jdbcUrl, String user, String password, String registryUrl, String topic,
                                      int tasks) {
        Map<String, String> c = SinkConfigs.avro(jdbcUrl, null, registryUrl, topic, tasks); // the same converters as ours
        c.put("connector.class", CONNECTOR);
        c.put("connection.username", user);
        c.put("connection.password", password == null ? "" : password);
        c.put("insert.mode", "upsert");
        c.put("primary.key.mode", "record_key");
        c.put("schema.evolution", "basic");
        c.put("batch.size", "10000");
        c.put("use.reduction.buffer", "true");
        c.put("consumer.override.max.poll.records", "5000");
        return c;
    }
}
