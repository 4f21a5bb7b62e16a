package dev.sluice.transforms.enrich;

import dev.sluice.transforms.expect.ExpectStep;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;

/**
 * A lookup join ({@link Enrichment.Mode#GLOBAL}, {@link Enrichment.Mode#TEMPORAL}) that finds no dimension row
 * cannot enrich the fact: it goes, unchanged, to {@code <pipeline>.quarantine} with the reason in
 * {@link ExpectStep#HEADER_RULE}, so it is neither lost nor passed half-filled.
 */
final class MissingDimension {

    private MissingDimension() {
    }

    static void mark(Headers headers, String step, Enrichment enrichment, String foreignKey, Long asOf) {
        String reason = step + ": no row in " + enrichment.dimensionTopic() + " with " + enrichment.dimensionKey()
                + " = " + foreignKey + (asOf == null ? "" : " valid at " + asOf);
        headers.remove(ExpectStep.HEADER_RULE);
        headers.add(ExpectStep.HEADER_RULE, reason.getBytes(StandardCharsets.UTF_8));
    }
}
