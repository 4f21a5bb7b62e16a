package dev.sluice.cli.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The stages of one process, checked together: live when every stage is live, ready when every stage is ready. */
public final class Health {

    private final List<Stage> stages = new ArrayList<>();

    public Health(List<Stage> stages) {
        this.stages.addAll(stages);
    }

    /** Adds a stage started later (local mode: the demo pipelines after the replication pipeline). */
    public synchronized void add(Stage stage) {
        stages.add(stage);
    }

    public synchronized List<StageStatus> check() {
        List<StageStatus> statuses = new ArrayList<>();
        for (Stage stage : stages) {
            try {
                statuses.add(stage.status());
            } catch (RuntimeException e) {
                statuses.add(StageStatus.failed("unknown", "UNKNOWN", "its health check failed: " + e));
            }
        }
        return statuses;
    }

    /** The first stage that stopped working, if any. */
    public Optional<StageStatus> firstFailed() {
        return check().stream().filter(s -> !s.live()).findFirst();
    }
}
