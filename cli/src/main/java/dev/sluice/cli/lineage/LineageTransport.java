package dev.sluice.cli.lineage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Where events go. {@link #send} never throws: lineage is a report about the pipeline, and a collector that is down
 * must not stop a stage; a failure is logged and the event dropped.
 */
public interface LineageTransport extends AutoCloseable {

    void send(ObjectNode event);

    @Override
    default void close() {
    }
}
