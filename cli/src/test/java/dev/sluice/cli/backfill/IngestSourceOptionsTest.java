package dev.sluice.cli.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.SluiceCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The source options {@code sluice backfill} and {@code sluice rebuild start} share: required by the one, optional for
 * the other, and a password in the URL refused by both before anything is reached.
 */
class IngestSourceOptionsTest {

    @Test
    void backfillStillNeedsTheSourceUrl() {
        String out = run("backfill", "--table", "public.orders", "--bootstrap-servers", "localhost:1");
        assertThat(out).startsWith("exit 2: Missing required option: '--source-url=postgresql://USER@HOST:PORT/DB'");
    }

    @Test
    void rebuildStartRefusesAPasswordInTheSourceUrlBeforeReachingAnything() {
        String out = run("rebuild", "start", "--replication", "--as", "v2", "--bootstrap-servers", "localhost:1",
                "--source-url", "postgresql://app:s3cret@localhost:1/app");
        assertThat(out).startsWith("exit 2: sluice: --source-url holds a password (USER:PASSWORD@)")
                .contains("PGPASSWORD").doesNotContain("s3cret");
    }

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = SluiceCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return "exit " + cli.execute(args) + ": " + out.toString().trim();
    }
}
