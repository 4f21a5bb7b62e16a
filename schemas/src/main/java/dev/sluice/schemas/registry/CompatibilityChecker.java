package dev.sluice.schemas.registry;

import java.util.ArrayList;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Decides whether a new schema may follow the earlier versions of a subject, with Avro's own
 * reader/writer resolution rules ({@link SchemaCompatibility}): BACKWARD means the new schema can
 * read data written with the old one, FORWARD the reverse, FULL both; non-transitive levels compare
 * with the latest version only.
 */
public final class CompatibilityChecker {

    private CompatibilityChecker() {
    }

    /**
     * Messages describing every incompatibility of {@code candidate} with {@code earlier} (oldest
     * first) under {@code level}; empty when compatible.
     */
    public static List<String> incompatibilities(CompatibilityLevel level, Schema candidate, List<Schema> earlier) {
        List<String> messages = new ArrayList<>();
        if (level == CompatibilityLevel.NONE || earlier.isEmpty()) {
            return messages;
        }
        List<Schema> against = level.transitive() ? earlier : List.of(earlier.get(earlier.size() - 1));
        for (Schema old : against) {
            if (level.checksBackward()) {
                collect(messages, "new schema cannot read data written with an earlier one", candidate, old);
            }
            if (level.checksForward()) {
                collect(messages, "an earlier schema cannot read data written with the new one", old, candidate);
            }
        }
        return messages;
    }

    private static void collect(List<String> messages, String direction, Schema reader, Schema writer) {
        SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            messages.add(direction + ": " + incompatibility.getType() + " at " + incompatibility.getLocation()
                    + " (" + incompatibility.getMessage() + ")");
        }
        if (result.getResult().getIncompatibilities().isEmpty()) {
            messages.add(direction + ": " + result.getDescription());
        }
    }
}
