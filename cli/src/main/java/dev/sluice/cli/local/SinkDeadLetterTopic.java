package dev.sluice.cli.local;

import dev.sluice.schemas.kafka.RecordSizeLimit;
import dev.sluice.schemas.kafka.TopicSizeLimits;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the sink's dead-letter topic before the connector starts. Connect would create it on its own, but with
 * the broker's default {@code max.message.bytes}: a row too large for the warehouse would then be too large for its
 * dead-letter topic as well. An existing one is raised to the {@link RecordSizeLimit}.
 */
public final class SinkDeadLetterTopic {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SinkDeadLetterTopic() {
    }

    /** @param kafka client settings besides bootstrap.servers (TLS, SASL) */
    public static void ensure(String bootstrapServers, Map<String, String> kafka, RecordSizeLimit limit) {
        Map<String, Object> config = new HashMap<>(kafka);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "sluice-sink-dlq-topic");
        String topic = SinkConnectorConfig.DEAD_LETTER_TOPIC;
        try (Admin admin = Admin.create(config)) {
            try {
                // replication factor and partitions: the broker's defaults, as Connect's own creation would take
                admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.of(1), java.util.Optional.empty())
                        .configs(limit.topic()))).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("Cannot create the sink's dead-letter topic " + topic + " ("
                            + e.getCause().getMessage() + "); check that Kafka is reachable and that this client may "
                            + "create topics.", e.getCause());
                }
                TopicSizeLimits.raise(admin, List.of(topic), limit, TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating " + topic + ".", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT.toSeconds() + " s while creating "
                    + topic + "; check that the brokers are up.", e);
        }
    }
}
