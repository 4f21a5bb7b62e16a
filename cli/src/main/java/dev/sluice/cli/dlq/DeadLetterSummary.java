package dev.sluice.cli.dlq;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * One line per dead letter in a cluster (topic, stage, reason, where it came from), for runs that expect none:
 * a chaos or scale run whose rows differ says first whether a stage set a record aside.
 */
public final class DeadLetterSummary {

    private DeadLetterSummary() {
    }

    public static List<String> lines(String bootstrapServers) throws Exception {
        Map<String, String> kafka = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        DeadLetterReader reader = new DeadLetterReader(kafka);
        List<String> lines = new ArrayList<>();
        try (Admin admin = Admin.create(Map.<String, Object>copyOf(kafka))) {
            for (String topic : DeadLetterTopics.counts(admin, reader).keySet()) {
                reader.read(topic, letter -> lines.add(topic + ": " + letter.stage() + " of " + letter.source()
                        + ": " + letter.reason()));
            }
        }
        return lines;
    }
}
