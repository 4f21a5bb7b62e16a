package dev.sluice.cli.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Local mode's state directory belongs to one source: its broker log holds that source's offsets
 * and its warehouse that source's rows. Reusing it for another source would resume from the wrong
 * position, so the owner is written down on first use and checked on every start.
 */
final class HomeDirectory {

    private static final String OWNER_FILE = "source";

    private HomeDirectory() {
    }

    /** Fails with one sentence when {@code home} already holds another source's state. Writes nothing. */
    static void claim(Path home, String source) {
        Path owner = home.resolve(OWNER_FILE);
        if (!Files.exists(owner)) {
            return;
        }
        try {
            String recorded = Files.readString(owner, StandardCharsets.UTF_8).strip();
            if (!recorded.equals(source)) {
                throw new IllegalArgumentException(home + " holds the state of " + recorded + ", not of " + source
                        + "; pass --home with another directory (or delete " + home + " to start over).");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the directory and records its source, once the source has been checked. */
    static void create(Path home, String source) throws IOException {
        Files.createDirectories(home);
        Path owner = home.resolve(OWNER_FILE);
        if (!Files.exists(owner)) {
            Files.writeString(owner, source + "\n", StandardCharsets.UTF_8);
        }
    }
}
