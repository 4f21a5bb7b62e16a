package dev.sluice.cli.backfill;

import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.source.TableId;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options naming a running {@code sluice ingest} to backfill through: the captured database and the slot,
 * publication, topic prefix and control schema the service runs with. Shared by {@code sluice backfill} (which needs
 * {@code --source-url}) and {@code sluice rebuild start} (which backfills only when it is given). The password is
 * never in the URL: it comes from {@code PGPASSWORD} ({@link SourceUrl#parse}).
 */
public final class IngestSourceOptions {

    @Option(names = "--source-url", paramLabel = "postgresql://USER@HOST:PORT/DB",
            description = "The captured database to backfill from (password from PGPASSWORD); the user needs INSERT on"
                    + " the signal table.")
    String sourceUrl;

    @Option(names = "--slot", defaultValue = IngestSettings.DEFAULT_SLOT_NAME,
            description = "Slot of the ingest service to ask (default: ${DEFAULT-VALUE}); its signal table is <slot>_signal.")
    String slot;

    @Option(names = "--publication", defaultValue = IngestSettings.DEFAULT_PUBLICATION_NAME,
            description = "Publication of that ingest service (default: ${DEFAULT-VALUE}).")
    String publication;

    @Option(names = "--topic-prefix", defaultValue = IngestSettings.DEFAULT_TOPIC_PREFIX,
            description = "Topic prefix of that ingest service (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(names = "--control-schema", defaultValue = IngestSettings.DEFAULT_CONTROL_SCHEMA,
            description = "Schema of Sluice's signal table (default: ${DEFAULT-VALUE}).")
    String controlSchema;

    /** Whether {@code --source-url} was given. */
    public boolean given() {
        return sourceUrl != null;
    }

    /** The captured database; refuses a URL holding a password. */
    public SourceUrl source() {
        return SourceUrl.parse(sourceUrl);
    }

    public String publication() {
        return publication;
    }

    /** The ingest service's change-topic prefix ({@code <prefix>.<schema>.<table>}). */
    public String topicPrefix() {
        return topicPrefix;
    }

    /** Change topic -> table for every table the ingest service captures now (its publication's tables). */
    public Map<String, TableId> changeTopics() throws SQLException {
        return CapturedTables.byChangeTopic(source(), publication, topicPrefix, new ControlTables(controlSchema, slot));
    }

    /** A backfill of {@code table} through this ingest service, with Kafka and the registry from {@code kafka}. */
    public Backfill.Settings backfill(TableId table, ServiceConfig kafka, Duration progressInterval, Duration timeout) {
        return new Backfill.Settings(source(), table, slot, publication, controlSchema, topicPrefix,
                kafka.bootstrapServers(), kafka.registryUrl(), kafka.kafkaPassThrough(), progressInterval, timeout);
    }
}
