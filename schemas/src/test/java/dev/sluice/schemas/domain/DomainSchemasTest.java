package dev.sluice.schemas.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build check: every domain .avsc must be backward compatible with its committed previous version
 * ({@code src/main/avro/previous/}). When a change is released, copy the new .avsc over its previous version.
 */
class DomainSchemasTest {

    private static final Path CURRENT = Path.of("src/main/avro");
    private static final Path PREVIOUS = CURRENT.resolve("previous");

    @Test
    void everyDomainSchemaIsBackwardCompatibleWithItsPreviousVersion() throws IOException {
        assertThat(BackwardCompatibility.problems(CURRENT, PREVIOUS)).isEmpty();
    }

    @Test
    void everyDemoTableHasARowSchemaInTheJar() {
        for (String table : DomainSchemas.TABLES) {
            Schema row = DomainSchemas.row(table);
            assertThat(row.getFullName()).isEqualTo("sluice.public." + table + ".Row");
            assertThat(row.getField("__version")).isNotNull();
            assertThat(row.getField("__deleted").defaultVal()).isEqualTo(false);
        }
        assertThatThrownBy(() -> DomainSchemas.row("nope")).hasMessageContaining("no domain schema for table 'nope'");
    }

    @Test
    void aNewFieldWithoutADefaultFailsNamingFileAndField(@TempDir Path dir) throws IOException {
        Path current = Files.createDirectories(dir.resolve("current"));
        Path previous = Files.createDirectories(dir.resolve("previous"));
        Files.writeString(previous.resolve("t.avsc"), record("{\"name\": \"id\", \"type\": \"long\"}"));
        Files.writeString(current.resolve("t.avsc"), record("{\"name\": \"id\", \"type\": \"long\"}, {\"name\": \"note\", \"type\": \"string\"}"));

        assertThat(BackwardCompatibility.problems(current, previous)).singleElement().asString()
                .startsWith("t.avsc is not backward compatible with previous/t.avsc")
                .contains("READER_FIELD_MISSING_DEFAULT").contains("note");
    }

    @Test
    void additionsWithDefaultsAndWideningPassButARemovedSchemaIsReported(@TempDir Path dir) throws IOException {
        Path current = Files.createDirectories(dir.resolve("current"));
        Path previous = Files.createDirectories(dir.resolve("previous"));
        Files.writeString(previous.resolve("t.avsc"), record("{\"name\": \"id\", \"type\": \"int\"}"));
        Files.writeString(current.resolve("t.avsc"), record("{\"name\": \"id\", \"type\": \"long\"},"
                + " {\"name\": \"note\", \"type\": [\"null\", \"string\"], \"default\": null}"));
        Files.writeString(current.resolve("brand_new.avsc"), record("{\"name\": \"x\", \"type\": \"string\"}"));
        assertThat(BackwardCompatibility.problems(current, previous)).isEmpty();

        Files.writeString(previous.resolve("gone.avsc"), record("{\"name\": \"x\", \"type\": \"string\"}"));
        assertThat(BackwardCompatibility.problems(current, previous)).singleElement().asString()
                .startsWith("gone.avsc was removed");
    }

    private static String record(String fields) {
        return "{\"type\": \"record\", \"name\": \"T\", \"fields\": [" + fields + "]}";
    }
}
