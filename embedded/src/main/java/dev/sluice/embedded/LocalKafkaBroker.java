package dev.sluice.embedded;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A single-node KRaft broker for local mode: it listens on a fixed port (9092 by default, so tools
 * attach as usual) and keeps its log in a directory that survives restarts, so running local mode
 * again resumes where it stopped. The directory is formatted on first use only.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private static final int NODE_ID = 1;

    private final KafkaRaftServer server;
    private final int port;

    private LocalKafkaBroker(KafkaRaftServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static LocalKafkaBroker start(Path logDirectory, int port) {
        return start(logDirectory, port, Map.of());
    }

    /**
     * @param settings broker settings over the single-node ones, e.g. the record size limit's
     *                 ({@code message.max.bytes}, replica fetch sizes) from {@code kafka.max.record.bytes}
     */
    public static LocalKafkaBroker start(Path logDirectory, int port, Map<String, String> settings) {
        PortCheck.requireFree(port, "Kafka", "--kafka-port");
        int controllerPort = PortCheck.freePort();
        Map<String, Object> props = new HashMap<>(SingleNodeBrokerSettings.asMap());
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        props.put("listeners", "PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://localhost:" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDirectory.toAbsolutePath().toString());
        props.put("num.partitions", "1");
        // Local mode: keep a day of changes, enough to replay a demo, without filling the disk.
        props.put("log.retention.hours", "24");
        props.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        props.putAll(settings);
        KafkaConfig config = new KafkaConfig(props, false);
        try {
            formatOnFirstUse(logDirectory);
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            return new LocalKafkaBroker(server, port);
        } catch (Exception e) {
            throw new IllegalStateException("could not start the local Kafka broker in " + logDirectory + ": " + e.getMessage(), e);
        }
    }

    private static void formatOnFirstUse(Path logDirectory) throws Exception {
        if (Files.exists(logDirectory.resolve("meta.properties"))) {
            return;
        }
        Files.createDirectories(logDirectory);
        new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .addDirectory(logDirectory.toAbsolutePath().toString())
                .setMetadataLogDirectory(logDirectory.toAbsolutePath().toString())
                .setReleaseVersion(MetadataVersion.latestProduction())
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setControllerListenerName("CONTROLLER")
                .run();
    }

    public String bootstrapServers() {
        return "localhost:" + port;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
