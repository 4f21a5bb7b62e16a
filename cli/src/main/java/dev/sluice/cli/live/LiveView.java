package dev.sluice.cli.live;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a process adds to its live page beyond its stages: {@code sluice local} adds the pipeline, tables and charts. */
public interface LiveView extends AutoCloseable {

    /** Nothing beyond the stages (a single service). */
    LiveView NONE = snapshot -> { };

    /**
     * Adds this view's parts to {@code snapshot}; called once a second on the page's own thread. Must not throw for a
     * part that cannot be read right now: leave it out (the page shows it as unknown).
     */
    void fill(ObjectNode snapshot);

    @Override
    default void close() {
    }
}
