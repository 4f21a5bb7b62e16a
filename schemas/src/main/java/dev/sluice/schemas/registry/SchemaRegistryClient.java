package dev.sluice.schemas.registry;

import java.util.List;

import org.apache.avro.Schema;

/**
 * The Schema Registry operations Sluice needs, as the Confluent Schema Registry REST API defines them.
 * Every method fails with {@link SchemaRegistryException} naming the subject/version/id and the
 * registry's own message when the registry refuses (4xx) or stays unreachable after retries.
 */
public interface SchemaRegistryClient {

    /** Registers {@code schema} under {@code subject} (a no-op returning the id if already there); returns its global id. */
    int register(String subject, Schema schema);

    /** The schema with global id {@code id}. */
    Schema schemaById(int id);

    /** The id under which {@code schema} is registered in {@code subject}; fails (404) if it is not. */
    RegisteredSchema lookup(String subject, Schema schema);

    /** The latest version registered under {@code subject}. */
    RegisteredSchema latest(String subject);

    /** Version {@code version} (1-based) of {@code subject}. */
    RegisteredSchema version(String subject, int version);

    /** The versions registered under {@code subject}, ascending. */
    List<Integer> versions(String subject);

    /** All subjects, sorted. */
    List<String> subjects();

    /** Whether {@code schema} could be registered under {@code subject} given its compatibility level. */
    CompatibilityResult checkCompatibility(String subject, Schema schema);

    /** The global (default) compatibility level. */
    CompatibilityLevel globalCompatibility();

    /** Sets the global compatibility level. */
    void setGlobalCompatibility(CompatibilityLevel level);

    /** The level that applies to {@code subject}: its own if set, else the global one. */
    CompatibilityLevel compatibility(String subject);

    /** Sets {@code subject}'s own compatibility level. */
    void setCompatibility(String subject, CompatibilityLevel level);

    /** A schema as registered: subject, version, global id and the schema itself. */
    record RegisteredSchema(String subject, int version, int id, Schema schema) {
    }

    /** The answer of a compatibility check; {@code messages} explain an incompatibility (may be empty). */
    record CompatibilityResult(boolean compatible, List<String> messages) {
    }
}
