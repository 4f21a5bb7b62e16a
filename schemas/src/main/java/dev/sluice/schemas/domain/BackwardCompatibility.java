package dev.sluice.schemas.domain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Checks each .avsc of a directory against its previous version (same file name in another directory) with Avro's
 * own rules: the new schema must read data written with the old one (BACKWARD, the registry's default level).
 * A schema without a previous version is new and passes; a previous version whose schema is gone is reported.
 */
public final class BackwardCompatibility {

    private BackwardCompatibility() {
    }

    /** One sentence per problem found; empty when every schema may replace its previous version. */
    public static List<String> problems(Path current, Path previous) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path file : avscFiles(current)) {
            Path old = previous.resolve(file.getFileName());
            if (!Files.exists(old)) {
                continue;
            }
            Schema reader = parse(file, problems);
            Schema writer = parse(old, problems);
            if (reader == null || writer == null) {
                continue;
            }
            SchemaPairCompatibility result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
            if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
                problems.add(file.getFileName() + " is not backward compatible with " + previous.getFileName() + "/"
                        + old.getFileName() + ": " + describe(result) + "; give new fields a default, keep removed"
                        + " fields' defaults, or publish it under a new topic");
            }
        }
        for (Path old : avscFiles(previous)) {
            if (!Files.exists(current.resolve(old.getFileName()))) {
                problems.add(old.getFileName() + " was removed, but readers of its topic still need it; keep the schema"
                        + " (or delete " + previous.getFileName() + "/" + old.getFileName() + " when the topic is retired)");
            }
        }
        return problems;
    }

    private static List<Path> avscFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".avsc")).sorted().toList();
        }
    }

    private static Schema parse(Path file, List<String> problems) throws IOException {
        try {
            return new Schema.Parser().parse(file.toFile());
        } catch (RuntimeException e) {
            problems.add(file + " is not a valid Avro schema: " + e.getMessage());
            return null;
        }
    }

    private static String describe(SchemaPairCompatibility result) {
        return String.join("; ", result.getResult().getIncompatibilities().stream()
                .map(i -> i.getType() + " at " + i.getLocation() + " (" + i.getMessage() + ")").toList());
    }
}
