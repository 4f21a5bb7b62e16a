package dev.sluice.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class CompatibilityCheckerTest {

    private static final Schema V1 = SchemaBuilder.record("Customer").fields()
            .requiredLong("id").requiredString("name").endRecord();
    /** Adds a field with a default: readable both ways. */
    private static final Schema V2_WITH_DEFAULT = SchemaBuilder.record("Customer").fields()
            .requiredLong("id").requiredString("name").name("email").type().stringType().stringDefault("").endRecord();
    /** Adds a field without a default: the new schema cannot read old data. */
    private static final Schema V2_NO_DEFAULT = SchemaBuilder.record("Customer").fields()
            .requiredLong("id").requiredString("name").requiredString("email").endRecord();
    /** Drops a field without a default: old readers cannot read new data. */
    private static final Schema V2_DROPPED = SchemaBuilder.record("Customer").fields()
            .requiredLong("id").endRecord();
    /** An old version whose id was a string: V2_WITH_DEFAULT can read V1 but not this one. */
    private static final Schema ID_AS_STRING = SchemaBuilder.record("Customer").fields()
            .requiredString("id").requiredString("name").endRecord();

    @Test
    void backwardAcceptsANewFieldWithADefault() {
        assertThat(CompatibilityChecker.incompatibilities(CompatibilityLevel.BACKWARD, V2_WITH_DEFAULT, List.of(V1))).isEmpty();
    }

    @Test
    void backwardRefusesANewFieldWithoutADefault() {
        assertThat(CompatibilityChecker.incompatibilities(CompatibilityLevel.BACKWARD, V2_NO_DEFAULT, List.of(V1)))
                .singleElement().asString().contains("READER_FIELD_MISSING_DEFAULT_VALUE").contains("email");
    }

    @Test
    void backwardAcceptsADroppedFieldButForwardDoesNot() {
        assertThat(CompatibilityChecker.incompatibilities(CompatibilityLevel.BACKWARD, V2_DROPPED, List.of(V1))).isEmpty();
        assertThat(CompatibilityChecker.incompatibilities(CompatibilityLevel.FORWARD, V2_DROPPED, List.of(V1))).isNotEmpty();
        assertThat(CompatibilityChecker.incompatibilities(CompatibilityLevel.FULL, V2_DROPPED, List.of(V1))).isNotEmpty();
    }

    @Test
    void fullAcceptsAFieldWithADefault() {
        assertThat(CompatibilityChecker.incompatibilities(CompatibilityLevel.FULL, V2_WITH_DEFAULT, List.of(V1))).isEmpty();
    }

    @Test
    void nonTransitiveLevelsCompareWithTheLatestOnly() {
        List<Schema> history = List.of(ID_AS_STRING, V1);
        assertThat(CompatibilityChecker.incompatibilities(CompatibilityLevel.BACKWARD, V2_WITH_DEFAULT, history)).isEmpty();
        assertThat(CompatibilityChecker.incompatibilities(CompatibilityLevel.BACKWARD_TRANSITIVE, V2_WITH_DEFAULT, history))
                .isNotEmpty();
    }

    @Test
    void noneAcceptsAnything() {
        assertThat(CompatibilityChecker.incompatibilities(CompatibilityLevel.NONE, ID_AS_STRING, List.of(V1))).isEmpty();
    }

    @Test
    void aFirstVersionIsAlwaysCompatible() {
        assertThat(CompatibilityChecker.incompatibilities(CompatibilityLevel.FULL_TRANSITIVE, V1, List.of())).isEmpty();
    }

    @Test
    void levelNamesParseCaseInsensitivelyAndBadOnesSayWhatIsValid() {
        assertThat(CompatibilityLevel.parse("full_transitive")).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> CompatibilityLevel.parse("STRICT"))
                .hasMessageContaining("'STRICT' is not a compatibility level; use one of NONE, BACKWARD");
    }
}
