package dev.sluice.ingest.source;

import java.util.List;

/**
 * The tables ingestion will capture, and the ones it left out because they have no primary key
 * (only ever non-empty when no tables were listed, since a listed keyless table is an error).
 */
public record ResolvedTables(List<TableId> captured, List<TableId> skippedWithoutKey) {

    public ResolvedTables {
        captured = List.copyOf(captured);
        skippedWithoutKey = List.copyOf(skippedWithoutKey);
    }
}
