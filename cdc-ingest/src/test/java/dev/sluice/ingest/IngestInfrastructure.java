package dev.sluice.ingest;

import dev.sluice.embedded.PostgresServer;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.testkit.KafkaTestCluster;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * What an ingest IT runs against, started once per test class: a KRaft broker, a PostgreSQL with logical
 * replication, the embedded registry, and a meter registry in the global one so the service's meters count.
 */
public final class IngestInfrastructure implements AutoCloseable {

    public final KafkaTestCluster kafka;
    public final PostgresServer postgres;
    public final EmbeddedSchemaRegistry registry;
    public final SimpleMeterRegistry meters;

    private IngestInfrastructure(KafkaTestCluster kafka, PostgresServer postgres, EmbeddedSchemaRegistry registry,
                                 SimpleMeterRegistry meters) {
        this.kafka = kafka;
        this.postgres = postgres;
        this.registry = registry;
        this.meters = meters;
    }

    public static IngestInfrastructure start() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);
        KafkaTestCluster kafka = KafkaTestCluster.start();
        PostgresServer postgres = PostgresServer.startThrowaway();
        return new IngestInfrastructure(kafka, postgres, EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0),
                meters);
    }

    /** Stops everything in reverse order; safe on a class whose start failed half-way (null). */
    public static void stop(IngestInfrastructure infra) {
        if (infra != null) {
            infra.close();
        }
    }

    @Override
    public void close() {
        registry.close();
        postgres.close();
        kafka.close();
        Metrics.removeRegistry(meters);
    }
}
