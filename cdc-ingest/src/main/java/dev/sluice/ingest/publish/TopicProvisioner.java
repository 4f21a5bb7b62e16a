package dev.sluice.ingest.publish;

import dev.sluice.schemas.kafka.RecordSizeLimit;
import dev.sluice.schemas.kafka.TopicSizeLimits;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the topics ingestion writes to, when they are missing: change topics with
 * {@code cleanup.policy=delete} (a change stream is a history, not a table) and the offsets topic
 * compacted (only the latest offset per source partition matters). Change topics take records of the
 * {@link RecordSizeLimit}; an existing change topic's {@code max.message.bytes} is raised to it, nothing else
 * of an existing topic is changed.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final Duration timeout;
    private final RecordSizeLimit limit;

    public TopicProvisioner(Admin admin, Duration timeout, RecordSizeLimit limit) {
        this.admin = admin;
        this.timeout = timeout;
        this.limit = limit;
    }

    public void ensureChangeTopics(Collection<String> topics, int partitions, short replicationFactor) {
        List<NewTopic> wanted = new ArrayList<>();
        Map<String, String> configs = new HashMap<>(limit.topic());
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        for (String topic : topics) {
            wanted.add(new NewTopic(topic, partitions, replicationFactor).configs(configs));
        }
        // only topics that were there before: a topic created just now has the limit (and may not be described yet)
        TopicSizeLimits.raise(admin, createMissing(wanted), limit, timeout);
    }

    public void ensureOffsetsTopic(String topic, short replicationFactor) {
        createMissing(List.of(new NewTopic(topic, 1, replicationFactor)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))));
    }

    /** Creates the missing topics of {@code wanted}; returns the names of those that existed already. */
    private List<String> createMissing(List<NewTopic> wanted) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
            List<String> present = wanted.stream().map(NewTopic::name).filter(existing::contains).toList();
            if (missing.isEmpty()) {
                return present;
            }
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    log.info("Created topic {}", entry.getKey());
                } catch (ExecutionException e) {
                    // another ingest instance (or a user) created it between list and create: fine
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Could not create topic " + entry.getKey() + " ("
                                + e.getCause().getMessage() + "); check the broker's limits and this client's ACLs.", e.getCause());
                    }
                }
            }
            return present;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics.", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not list Kafka topics within " + timeout.toMillis()
                    + " ms; check that the brokers are up.", e);
        }
    }
}
