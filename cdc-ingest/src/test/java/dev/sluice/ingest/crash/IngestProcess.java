package dev.sluice.ingest.crash;

import dev.sluice.ingest.IngestService;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.TransactionBound;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The ingest service as a process of its own, for the crash test: {@code key=value} arguments in,
 * runs until its engine stops (exit 1 on failure) or the JVM is stopped; a SIGKILL gives it no
 * chance to clean up, which is the point.
 */
public final class IngestProcess {

    private IngestProcess() {
    }

    public static void main(String[] args) throws InterruptedException {
        Map<String, String> arg = new HashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            arg.put(a.substring(0, eq), a.substring(eq + 1));
        }
        IngestSettings.Builder builder = IngestSettings.builder()
                .sourceHost(arg.get("host")).sourcePort(Integer.parseInt(arg.get("port")))
                .database(arg.get("database")).user(arg.get("user")).password(arg.getOrDefault("password", ""))
                .tables(arg.get("tables").split(","))
                .topicPrefix(arg.get("prefix")).slotName(arg.get("slot")).publicationName(arg.get("publication"))
                .bootstrapServers(arg.get("bootstrap")).schemaRegistryUrl(arg.get("registry"))
                .snapshotMode(arg.getOrDefault("snapshotMode", IngestSettings.DEFAULT_SNAPSHOT_MODE))
                .offsetFlushInterval(Duration.ofMillis(500))
                .heartbeatInterval(Duration.ofSeconds(1))
                // the killed predecessor's walsender may hold the slot for a moment
                .debeziumProperty("slot.retry.delay.ms", "300")
                .debeziumProperty("slot.max.retries", "100");
        if (arg.containsKey("boundChanges")) {
            // a low bound (and a low timeout, which the bound must stay under) exercises the cuts in a short test
            builder.transactionBound(new TransactionBound(Integer.parseInt(arg.get("boundChanges")), 64L << 20, Duration.ofSeconds(10)))
                    .transactionTimeout(Duration.ofSeconds(20));
        }
        if (arg.containsKey("chunkSize")) {
            builder.debeziumProperty("incremental.snapshot.chunk.size", arg.get("chunkSize"));
        }
        IngestSettings settings = builder.build();
        if (Boolean.getBoolean("crash.debug")) {
            // -Dcrash.debug=true on the test run: the connector's resume and LSN flush decisions in the run logs
            Configurator.setLevel("io.debezium.connector.postgresql", Level.DEBUG);
        }
        IngestService service = new IngestService(settings);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stopped.countDown();
        }));
        try {
            service.start();
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(2);
        }
        System.out.println("INGEST STARTED");
        while (service.isRunning()) {
            if (stopped.await(200, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
        service.failure().ifPresent(Throwable::printStackTrace);
        System.exit(1);
    }
}
