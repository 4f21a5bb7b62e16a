package dev.sluice.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.avro.Schema;

/**
 * The embedded registry's in-memory view of the {@code _schemas} log: global ids, subjects and their
 * versions, compatibility levels. It only applies facts; deciding whether a registration is allowed
 * happens in {@link EmbeddedSchemaRegistry}. Not thread-safe: the owner serialises access.
 */
final class RegistryState {

    /** One version of a subject. */
    record Version(String subject, int version, int id, Schema schema) {
    }

    private final Map<Integer, Schema> schemasById = new HashMap<>();
    /** Key: the parsed schema's canonical JSON ({@link Schema#toString()}), so equal schemas share an id. */
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, TreeMap<Integer, Version>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int maxId;

    void applySchema(String subject, int version, int id, Schema schema) {
        schemasById.putIfAbsent(id, schema);
        idsBySchema.putIfAbsent(schema.toString(), id);
        maxId = Math.max(maxId, id);
        subjects.computeIfAbsent(subject, s -> new TreeMap<>()).put(version, new Version(subject, version, id, schema));
    }

    void applyLevel(String subjectOrNull, CompatibilityLevel level) {
        if (subjectOrNull == null) {
            globalLevel = level;
        } else {
            subjectLevels.put(subjectOrNull, level);
        }
    }

    Optional<Schema> schema(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    /** The id a new registration of {@code schema} gets: the existing global id, or the next free one. */
    int idFor(Schema schema) {
        Integer existing = idsBySchema.get(schema.toString());
        return existing != null ? existing : maxId + 1;
    }

    Optional<Version> find(String subject, Schema schema) {
        Integer id = idsBySchema.get(schema.toString());
        if (id == null || !subjects.containsKey(subject)) {
            return Optional.empty();
        }
        return subjects.get(subject).values().stream().filter(v -> v.id() == id).findFirst();
    }

    boolean hasSubject(String subject) {
        return subjects.containsKey(subject);
    }

    List<String> subjects() {
        return new ArrayList<>(subjects.keySet());
    }

    List<Integer> versions(String subject) {
        return new ArrayList<>(subjects.getOrDefault(subject, new TreeMap<>()).keySet());
    }

    Optional<Version> version(String subject, int version) {
        return Optional.ofNullable(subjects.getOrDefault(subject, new TreeMap<>()).get(version));
    }

    Optional<Version> latest(String subject) {
        TreeMap<Integer, Version> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? Optional.empty() : Optional.of(versions.lastEntry().getValue());
    }

    /** The schemas of {@code subject}, oldest first. */
    List<Schema> history(String subject) {
        return subjects.getOrDefault(subject, new TreeMap<>()).values().stream().map(Version::schema).toList();
    }

    CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }
}
