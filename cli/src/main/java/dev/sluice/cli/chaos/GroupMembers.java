package dev.sluice.cli.chaos;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many service instances are members of a consumer group right now. A service's JVM takes seconds to join (tens
 * of seconds on a loaded machine), so a scale step that only started processes may not have scaled anything: the
 * step waits for its instances here before its clock starts, and says so when they did not come.
 */
final class GroupMembers {
    /** A Streams consumer's client id names its instance: {@code <app>-<process uuid>-StreamThread-<n>-consumer}. */
    private static final Pattern STREAMS_PROCESS = Pattern.compile("-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-StreamThread-");

    private final Admin admin;

    GroupMembers(Admin admin) {
        this.admin = admin;
    }

    /** Instances in the group: distinct Streams processes, or members for a group of one consumer per instance. */
    int instances(String group) throws Exception {
        ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                .get(10, TimeUnit.SECONDS).get(group);
        return description == null ? 0 : count(description.members().stream().map(MemberDescription::clientId).toList());
    }

    /** Instances behind these members' client ids: one per Streams process, else one per member. */
    static int count(Collection<String> clientIds) {
        Set<String> instances = new HashSet<>();
        int plain = 0;
        for (String clientId : clientIds) {
            Matcher streams = STREAMS_PROCESS.matcher(clientId);
            if (streams.find()) {
                instances.add(streams.group(1));
            } else {
                plain++;
            }
        }
        return instances.size() + plain;
    }

    /**
     * Waits until each group has exactly its expected number of instances, up to {@code timeout}, running
     * {@code meanwhile} between looks (restarting what died); returns the seconds it took, or -1 when they did not.
     */
    double await(String group1, int instances1, String group2, int instances2, Duration timeout, Step meanwhile)
            throws Exception {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (instances(group1) == instances1 && instances(group2) == instances2) {
                return (System.nanoTime() - start) / 1e9;
            }
            Thread.sleep(500);
            meanwhile.run();
        }
        return -1;
    }

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }
}
