package dev.sluice.cli.service;

import dev.sluice.cli.SluiceCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** A mistyped --snapshot-mode stops ingest and local mode with one sentence, before they connect to anything. */
class SnapshotModeOptionTest {

    private static final String SENTENCE = "sluice: Snapshot mode 'sometimes' is not one of initial, never, when_needed,"
            + " no_data, initial_only, always; pick one of them with --snapshot-mode.";

    @Test
    void ingestRefusesAnUnknownSnapshotMode() {
        assertThat(run("ingest", "--source-url", "postgresql://app@localhost:1/shop", "--bootstrap-servers", "localhost:1",
                "--registry-url", "http://localhost:1", "--snapshot-mode", "sometimes")).isEqualTo(SENTENCE);
    }

    @Test
    void localRefusesAnUnknownSnapshotMode() {
        assertThat(run("local", "--snapshot-mode", "sometimes")).isEqualTo(SENTENCE);
    }

    private static String run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = SluiceCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute(args)).isEqualTo(2);
        return err.toString().trim();
    }
}
