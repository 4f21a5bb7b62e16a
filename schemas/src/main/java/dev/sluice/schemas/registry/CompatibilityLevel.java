package dev.sluice.schemas.registry;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Schema Registry compatibility levels; {@code *_TRANSITIVE} check against every earlier version, the others against the latest. */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

    /** Parses a level name case-insensitively; fails with the list of valid names. */
    public static CompatibilityLevel parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + name + "' is not a compatibility level; use one of "
                    + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")), e);
        }
    }

    boolean transitive() {
        return name().endsWith("_TRANSITIVE");
    }

    boolean checksBackward() {
        return this == BACKWARD || this == BACKWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }

    boolean checksForward() {
        return this == FORWARD || this == FORWARD_TRANSITIVE || this == FULL || this == FULL_TRANSITIVE;
    }
}
