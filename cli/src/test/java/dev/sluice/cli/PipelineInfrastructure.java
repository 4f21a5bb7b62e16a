package dev.sluice.cli;

import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.testkit.KafkaTestCluster;
import dev.sluice.embedded.PostgresServer;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.nio.file.Path;
import java.util.Map;

/**
 * What an end-to-end test of the pipeline runs against, started once per test class: a KRaft
 * broker, a PostgreSQL holding the source and warehouse databases, the embedded registry, and a
 * meter registry so the services' counters count.
 */
public final class PipelineInfrastructure implements AutoCloseable {

    public final KafkaTestCluster kafka;
    public final PostgresServer postgres;
    public final EmbeddedSchemaRegistry registry;

    private PipelineInfrastructure(KafkaTestCluster kafka, PostgresServer postgres, EmbeddedSchemaRegistry registry) {
        this.kafka = kafka;
        this.postgres = postgres;
        this.registry = registry;
    }

    public static PipelineInfrastructure start(String... databases) {
        return start(Map.of(), databases);
    }

    /** As {@link #start(String...)}, with these broker settings (e.g. a {@code RecordSizeLimit}'s). */
    public static PipelineInfrastructure start(Map<String, String> brokerSettings, String... databases) {
        Metrics.addRegistry(new SimpleMeterRegistry());
        KafkaTestCluster kafka = KafkaTestCluster.start(brokerSettings);
        PostgresServer postgres = PostgresServer.startThrowaway();
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
        for (String database : databases) {
            postgres.createDatabase(database);
        }
        return new PipelineInfrastructure(kafka, postgres, registry);
    }

    public SourceUrl source(String database) {
        return new SourceUrl(postgres.host(), postgres.port(), database, postgres.user(), postgres.password());
    }

    public WarehouseTarget postgresWarehouse(String database) {
        return new WarehouseTarget(postgres.jdbcUrl(database), postgres.user(), postgres.password());
    }

    public static WarehouseTarget duckDb(Path file) {
        return WarehouseTarget.parse("jdbc:duckdb:" + file.toAbsolutePath(), null);
    }

    @Override
    public void close() {
        registry.close();
        postgres.close();
        kafka.close();
    }
}
