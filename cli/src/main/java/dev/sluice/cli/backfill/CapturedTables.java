package dev.sluice.cli.backfill;

import dev.sluice.cli.source.SourceUrl;
import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.control.PublicationTables;
import dev.sluice.ingest.publish.TopicNames;
import dev.sluice.ingest.source.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Which table each change topic of an ingest service carries, read from its publication (what it captures now). */
final class CapturedTables {

    private CapturedTables() {
    }

    /**
     * Change topic -> table for every table {@code publication} holds, Sluice's signal and heartbeat tables left out
     * (a backfill of those means nothing). Fails with one sentence when the publication does not exist.
     */
    static Map<String, TableId> byChangeTopic(SourceUrl source, String publication, String topicPrefix,
                                              ControlTables control) throws SQLException {
        Set<TableId> published;
        try (Connection connection = Backfill.connect(source)) {
            published = new PublicationTables(publication).current(connection).orElseThrow(() ->
                    new IllegalStateException("Publication " + publication + " does not exist in " + source.display()
                            + "; pass the --publication of the sluice ingest that writes the topics to backfill."));
        }
        Map<String, TableId> topics = new TreeMap<>();
        published.stream().filter(t -> !control.isControlTable(t))
                .forEach(t -> topics.put(TopicNames.changeTopic(topicPrefix, t), t));
        return topics;
    }
}
