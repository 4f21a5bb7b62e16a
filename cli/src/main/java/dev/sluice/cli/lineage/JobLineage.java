package dev.sluice.cli.lineage;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;

/**
 * One job a service runs (cdc-ingest's capture, a pipeline, a sink connector) as OpenLineage sees it: its name, its
 * input and output datasets as they are now (topics matched by a pattern change as tables are added), and, where the
 * job knows it, its progress. Asked anew for every event.
 */
public interface JobLineage {

    /** The job's name in its namespace: {@code ingest.<slot>}, {@code transform.<pipeline>}, {@code connect.<connector>}. */
    String name();

    /** The jobType facet's jobType: INGEST, TRANSFORM or SINK. */
    String type();

    List<Dataset> inputs(TopicCatalog catalog);

    List<Dataset> outputs(TopicCatalog catalog);

    /** The {@code sluice_progress} run facet, when the job knows how far its output is complete. */
    default Optional<ObjectNode> progress() {
        return Optional.empty();
    }
}
