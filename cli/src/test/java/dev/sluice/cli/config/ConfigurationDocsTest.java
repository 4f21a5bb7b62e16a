package dev.sluice.cli.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md is generated from the Section declarations; a stale copy fails the build. */
class ConfigurationDocsTest {

    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    @Test
    void committedReferenceMatchesTheDeclarations() throws Exception {
        String fresh = ConfigurationDocs.render();
        if (Boolean.getBoolean("sluice.regenerate.docs")) {
            Files.writeString(DOC, fresh);
        }
        String committed = Files.exists(DOC) ? Files.readString(DOC) : "";
        assertThat(committed)
                .as("docs/configuration.md is stale; regenerate it with: " + ConfigurationDocs.REGENERATE)
                .isEqualTo(fresh);
    }
}
