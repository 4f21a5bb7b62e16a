package dev.sluice.cli.http;

import dev.sluice.embedded.ConnectWorker;
import dev.sluice.ingest.IngestService;
import dev.sluice.ingest.slot.CaptureLease;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.transforms.runtime.TransformService;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.streams.KafkaStreams;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The health probe of each kind of stage, from what the stage itself exposes: the ingest service's phase
 * (Debezium's snapshot and streaming metrics, the engine's failure), Kafka Streams' state and the cause its
 * uncaught-exception handler saw, the Connect herder's connector and task states, the registry's store.
 */
public final class Stages {

    /** How long Kafka may not answer before the registry counts as gone (a broker restart is shorter). */
    static final Duration REGISTRY_GRACE = Duration.ofSeconds(15);

    private Stages() {
    }

    /** Ready while Debezium snapshots or streams; not live once the engine failed or stopped on its own. */
    public static Stage ingest(IngestService ingest) {
        return () -> switch (ingest.phase()) {
            case STARTING -> StageStatus.starting("ingest", "STARTING",
                    "creating the slot or connecting to PostgreSQL; the snapshot or streaming has not started yet");
            // ready while the existing rows load in chunks (changes stream meanwhile); the detail says how far each is
            case SNAPSHOTTING, STREAMING -> ingest.initialLoad().complete()
                    ? StageStatus.ready("ingest", ingest.phase().name())
                    : new StageStatus("ingest", "LOADING", true, true, "initial load: " + String.join("; ",
                            ingest.initialLoad().progress().stream().filter(p -> !p.done()).map(p -> p.line()).toList()));
            case STOPPED -> StageStatus.starting("ingest", "STOPPED", "stopping");
            case FAILED -> StageStatus.failed("ingest", "FAILED", ingest.failure()
                    .map(t -> "the Debezium engine failed: " + rootMessage(t))
                    .orElse("the Debezium engine stopped on its own"));
        };
    }

    /**
     * Ready while Streams is RUNNING; live while it is starting or rebalancing; not live once it is in ERROR
     * (a stream thread died: the service shuts the whole client down then) or stopped without being asked.
     */
    /** The capture lease of ingest's slot: failed once its session is gone, since a standby may be capturing now. */
    public static Stage captureLease(CaptureLease lease) {
        return () -> lease.held() ? StageStatus.ready("capture-lease", "HELD")
                : lease.released() ? StageStatus.starting("capture-lease", "RELEASED", "stopping")
                : StageStatus.failed("capture-lease", "LOST", "the source session holding the capture lease of slot "
                        + lease.slot() + " ended, so a standby may take over; restarting to wait for the lease again");
    }

    public static Stage transform(String name, TransformService transforms, Supplier<Boolean> closing) {
        return () -> {
            KafkaStreams.State state = transforms.state();
            return switch (state) {
                case RUNNING -> StageStatus.ready(name, state.name());
                case CREATED, REBALANCING -> StageStatus.starting(name, state.name(), "waiting for its partitions");
                case PENDING_SHUTDOWN, NOT_RUNNING -> closing.get()
                        ? StageStatus.starting(name, state.name(), "stopping")
                        : StageStatus.failed(name, state.name(), "Kafka Streams stopped"
                        + transforms.failure().map(t -> ": a stream thread died of " + rootMessage(t)).orElse(""));
                case PENDING_ERROR, ERROR -> StageStatus.failed(name, state.name(), transforms.failure()
                        .map(t -> "a stream thread died of " + rootMessage(t))
                        .orElse("Kafka Streams is in state " + state));
            };
        };
    }

    /** Ready while each connector and all its tasks are RUNNING; not live once one of them FAILED. */
    public static Stage connect(ConnectWorker worker, Supplier<List<String>> connectors) {
        return () -> {
            List<String> names = connectors.get();
            if (names.isEmpty()) {
                return StageStatus.starting("connect", "STARTING", "no connector created yet");
            }
            for (String name : names) {
                ConnectorStateInfo status;
                try {
                    status = worker.connectorStatus(name);
                } catch (RuntimeException e) {
                    return StageStatus.starting("connect", "STARTING", "connector " + name + " is not created yet");
                }
                if ("FAILED".equals(status.connector().state())) {
                    return StageStatus.failed("connect", "FAILED", "connector " + name + " failed: "
                            + firstLine(status.connector().trace()));
                }
                for (ConnectorStateInfo.TaskState task : status.tasks()) {
                    if ("FAILED".equals(task.state())) {
                        return StageStatus.failed("connect", "FAILED", "task " + task.id() + " of connector " + name
                                + " failed: " + firstLine(task.trace()));
                    }
                }
                boolean running = "RUNNING".equals(status.connector().state()) && !status.tasks().isEmpty()
                        && status.tasks().stream().allMatch(t -> "RUNNING".equals(t.state()));
                if (!running) {
                    return StageStatus.starting("connect", status.connector().state(),
                            "connector " + name + " or one of its tasks is not RUNNING yet");
                }
            }
            return StageStatus.ready("connect", "RUNNING");
        };
    }

    /**
     * Ready once it serves (it replays its whole {@code _schemas} topic before that, so it is caught up); not
     * live once that topic is gone, or Kafka has not answered for {@link #REGISTRY_GRACE}.
     */
    public static Stage registry(EmbeddedSchemaRegistry registry) {
        long[] troubleSince = {0};
        return () -> {
            var problem = registry.problem(Duration.ofSeconds(5));
            if (problem.isEmpty()) {
                troubleSince[0] = 0;
                return StageStatus.ready("registry", "RUNNING");
            }
            String cause = problem.get();
            if (cause.contains("no longer exists")) {
                return StageStatus.failed("registry", "FAILED", cause);
            }
            long now = System.nanoTime();
            if (troubleSince[0] == 0) {
                troubleSince[0] = now;
            }
            return now - troubleSince[0] >= REGISTRY_GRACE.toNanos()
                    ? StageStatus.failed("registry", "FAILED", cause)
                    : StageStatus.starting("registry", "UNREACHABLE", cause);
        };
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String top = String.valueOf(t.getMessage());
        String cause = String.valueOf(root.getMessage());
        String message = root == t || top.contains(cause) ? top
                : top + " (" + root.getClass().getSimpleName() + ": " + cause + ")";
        return withoutDumps(message);
    }

    /**
     * A sentence for a person, not a dump: Debezium puts whole offset contexts ({@code PostgresOffsetContext [...]},
     * thousands of characters) into its messages; a bracketed run that long is cut to {@code [...]}.
     */
    static String withoutDumps(String message) {
        StringBuilder out = new StringBuilder(message.length());
        int depth = 0;
        int openedAt = -1;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            if (c == '[' && depth++ == 0) {
                openedAt = out.length();
            }
            out.append(c);
            if (c == ']' && depth > 0 && --depth == 0 && out.length() - openedAt > 80) {
                out.setLength(openedAt);
                out.append("[...]");
            }
        }
        return out.toString();
    }

    private static String firstLine(String trace) {
        if (trace == null || trace.isBlank()) {
            return "no reason given";
        }
        // a Connect trace is a stack trace; its first cause line says why, the last "Caused by" says it best
        String best = trace.lines().findFirst().orElse(trace);
        for (String line : trace.lines().toList()) {
            if (line.startsWith("Caused by: ")) {
                best = line.substring("Caused by: ".length());
            }
        }
        return best.strip();
    }
}
