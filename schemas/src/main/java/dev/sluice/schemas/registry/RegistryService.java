package dev.sluice.schemas.registry;

import java.util.List;

import org.apache.avro.Schema;

/**
 * The embedded registry's operations: every write is checked, appended to the {@code _schemas} topic,
 * acknowledged by Kafka, and only then applied to memory and answered; a crash between two steps
 * therefore never answers an id that the log does not hold. One lock serialises everything, which
 * keeps id allocation trivial; registrations are rare.
 */
final class RegistryService {

    private final RegistryState state;
    private final SchemasTopic log;

    RegistryService(RegistryState state, SchemasTopic log) {
        this.state = state;
        this.log = log;
    }

    synchronized int register(String subject, Schema schema) {
        var existing = state.find(subject, schema);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        List<String> problems = CompatibilityChecker.incompatibilities(state.effectiveLevel(subject), schema,
                state.history(subject));
        if (!problems.isEmpty()) {
            throw new RegistryError(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
                    "Schema being registered is incompatible with an earlier schema for subject '" + subject
                            + "' (compatibility " + state.effectiveLevel(subject) + "), details: " + problems);
        }
        int id = state.idFor(schema);
        int version = state.latest(subject).map(v -> v.version() + 1).orElse(1);
        log.appendSchema(subject, version, id, schema);
        state.applySchema(subject, version, id, schema);
        return id;
    }

    synchronized Schema schemaById(int id) {
        return state.schema(id).orElseThrow(() -> new RegistryError(404, SchemaRegistryException.SCHEMA_NOT_FOUND,
                "Schema " + id + " not found."));
    }

    synchronized RegistryState.Version lookup(String subject, Schema schema) {
        if (!state.hasSubject(subject)) {
            throw RegistryError.subjectNotFound(subject);
        }
        return state.find(subject, schema).orElseThrow(() -> new RegistryError(404,
                SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found under subject '" + subject + "'."));
    }

    synchronized RegistryState.Version version(String subject, String version) {
        if (!state.hasSubject(subject)) {
            throw RegistryError.subjectNotFound(subject);
        }
        if (version.equals("latest") || version.equals("-1")) {
            return state.latest(subject).orElseThrow(() -> RegistryError.versionNotFound(subject, version));
        }
        int number;
        try {
            number = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw new RegistryError(422, SchemaRegistryException.INVALID_VERSION, "The specified version '" + version
                    + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
        }
        return state.version(subject, number).orElseThrow(() -> RegistryError.versionNotFound(subject, version));
    }

    synchronized List<Integer> versions(String subject) {
        if (!state.hasSubject(subject)) {
            throw RegistryError.subjectNotFound(subject);
        }
        return state.versions(subject);
    }

    synchronized List<String> subjects() {
        return state.subjects();
    }

    /** Problems of {@code schema} against {@code version} (or, for "latest", the level's usual set). */
    synchronized List<String> compatibility(String subject, String version, Schema schema) {
        RegistryState.Version against = version(subject, version);
        CompatibilityLevel level = state.effectiveLevel(subject);
        if (version.equals("latest") || version.equals("-1")) {
            return CompatibilityChecker.incompatibilities(level, schema, state.history(subject));
        }
        // A named version: compare with that one alone, in the level's direction(s).
        CompatibilityLevel single = switch (level) {
            case BACKWARD_TRANSITIVE -> CompatibilityLevel.BACKWARD;
            case FORWARD_TRANSITIVE -> CompatibilityLevel.FORWARD;
            case FULL_TRANSITIVE -> CompatibilityLevel.FULL;
            default -> level;
        };
        return CompatibilityChecker.incompatibilities(single, schema, List.of(against.schema()));
    }

    synchronized CompatibilityLevel globalLevel() {
        return state.globalLevel();
    }

    synchronized CompatibilityLevel subjectLevel(String subject, boolean defaultToGlobal) {
        return state.subjectLevel(subject).orElseGet(() -> {
            if (defaultToGlobal) {
                return state.globalLevel();
            }
            throw new RegistryError(404, SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                    "Subject '" + subject + "' does not have subject-level compatibility configured");
        });
    }

    synchronized void setLevel(String subjectOrNull, CompatibilityLevel level) {
        log.appendLevel(subjectOrNull, level);
        state.applyLevel(subjectOrNull, level);
    }
}
