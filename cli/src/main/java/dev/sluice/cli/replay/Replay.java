package dev.sluice.cli.replay;

import org.apache.kafka.clients.admin.Admin;

/**
 * Rewinds one pipeline's Kafka Streams application the way Kafka's application reset tool does, and also removes
 * what that tool leaves to the user: input offsets back to a point in time, internal topics (repartition,
 * changelog) deleted so state is rebuilt from the replayed input, local state deleted so no stale store survives.
 * Order matters: the refusal comes first (a running member would commit over the reset and restore deleted state),
 * the offsets last, so a run cut short leaves the application replayable again.
 */
public final class Replay {

    private Replay() {
    }

    /** The plan, read from the broker and the disk; changes nothing. */
    public static ReplayPlan plan(Admin admin, StreamsApplication app, ReplayFrom from) {
        var current = app.committedInputs(admin);
        var target = StreamsApplication.offsetsFrom(admin, current.keySet(), from);
        return new ReplayPlan(app, from, current, target, app.internalTopics(admin), app.existingStateDirs());
    }

    /**
     * Carries the plan out.
     *
     * @param howToStop named in the refusal when the application still runs
     * @throws IllegalStateException while the application's consumer group has members
     */
    public static void apply(Admin admin, ReplayPlan plan, String howToStop) {
        StreamsApplication app = plan.application();
        app.requireStopped(admin, howToStop);
        // the whole group goes, so no committed offset of a deleted repartition topic outlives it; the reset below
        // creates it again with the input offsets only
        StreamsApplication.deleteGroup(admin, app.applicationId());
        StreamsApplication.deleteTopics(admin, plan.topics());
        app.deleteState();
        if (!plan.target().isEmpty()) {
            app.resetOffsets(admin, plan.target());
        }
    }
}
