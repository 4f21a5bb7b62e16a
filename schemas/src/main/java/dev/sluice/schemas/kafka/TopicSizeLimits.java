package dev.sluice.schemas.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Raises {@code max.message.bytes} of existing topics to a {@link RecordSizeLimit}: topics are created with the limit
 * of their day, so after {@code kafka.max.record.bytes} is raised the topics must follow, or the broker refuses
 * the record the setting now allows. Never lowers a topic's limit (someone may have raised it on purpose).
 */
public final class TopicSizeLimits {

    private static final Logger log = LoggerFactory.getLogger(TopicSizeLimits.class);
    private static final String MAX_MESSAGE_BYTES = "max.message.bytes";

    private TopicSizeLimits() {
    }

    /**
     * Raises what is below the limit. Where the configs cannot be read or changed (no ACL for it, a timeout) it logs a
     * warning naming the topics and goes on: their records up to the old limit still pass, and a larger one stops
     * ingest with a sentence naming the topic's setting.
     */
    public static void raise(Admin admin, Collection<String> topics, RecordSizeLimit limit, Duration timeout) {
        if (topics.isEmpty()) {
            return;
        }
        long wanted = limit.requestBytes();
        List<ConfigResource> resources = topics.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        try {
            Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            for (Map.Entry<ConfigResource, Config> e : configs.entrySet()) {
                ConfigEntry entry = e.getValue().get(MAX_MESSAGE_BYTES);
                long current = entry == null || entry.value() == null ? 0 : Long.parseLong(entry.value());
                if (current >= wanted) {
                    continue;
                }
                AlterConfigOp op = new AlterConfigOp(new ConfigEntry(MAX_MESSAGE_BYTES, Long.toString(wanted)),
                        AlterConfigOp.OpType.SET);
                admin.incrementalAlterConfigs(Map.of(e.getKey(), List.of(op))).all()
                        .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                log.info("Raised max.message.bytes of topic {} from {} to {} ({} = {})", e.getKey().name(), current,
                        wanted, RecordSizeLimit.QUALIFIED, limit.maxRecordBytes());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            log.warn("Could not check or raise max.message.bytes of {} to {} ({}); allow this client to describe and "
                    + "alter topic configs, or set it on the topics yourself", topics, wanted, cause.toString());
        }
    }
}
