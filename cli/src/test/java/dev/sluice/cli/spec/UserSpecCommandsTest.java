package dev.sluice.cli.spec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.cli.SluiceCommand;
import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code sluice spec check} and {@code sluice transform --spec} on specs that cannot run: the parser's
 * line-and-field sentence and exit code 1, before anything connects (the addresses given lead nowhere).
 */
class UserSpecCommandsTest {

    static final String GOOD = """
            pipeline: payments-clean
            source:
              topics: [sluice.public.payments]
            steps:
              - dedupe: {window: 1h}
              - unwrap: {}
              - filter: {field: status, not-in: [failed]}
            output:
              topic: payments.public.payments_clean
            """;

    /** Line 5: 'windw' is not a field of dedupe. */
    static final String MISTYPED = """
            pipeline: payments-late
            source:
              topics: [sluice.public.payments]
            steps:
              - dedupe: {windw: 1h}
              - unwrap: {}
            output:
              topic: payments.public.payments_late
            """;

    private static final String NOWHERE = "localhost:1";

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run sluice(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SluiceCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void specCheckAcceptsAGoodSpec() throws IOException {
        Path good = write("good.yaml", GOOD);

        Run run = sluice("spec", "check", good.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo(good + ": ok" + System.lineSeparator());
    }

    @Test
    void specCheckNamesTheLineAndFieldOfABadSpecAndExitsWithOne() throws IOException {
        Path good = write("a-good.yaml", GOOD);
        Path bad = write("b-bad.yaml", MISTYPED);

        Run run = sluice("spec", "check", dir.toString());

        assertThat(run.exit()).isEqualTo(1);
        List<String> lines = run.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo(good + ": ok");
        assertThat(lines.get(1)).startsWith(bad + " line 5, column 14, steps[0].dedupe.windw: unknown field 'windw'"
                + " (did you mean 'window'?)");
    }

    @Test
    void specCheckReportsTwoSpecsWithOnePipelineName() throws IOException {
        write("one.yaml", GOOD);
        Path two = write("two.yml", GOOD);

        Run run = sluice("spec", "check", dir.toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out().lines().toList().get(1))
                .isEqualTo(two + ": pipeline 'payments-clean' is also named in " + dir.resolve("one.yaml")
                        + "; rename one of them.");
    }

    @Test
    void transformStopsOnABadSpecBeforeConnectingAnything() throws IOException {
        Path bad = write("bad.yaml", MISTYPED);

        Run run = sluice("transform", "--bootstrap-servers", NOWHERE, "--registry-url", "http://" + NOWHERE,
                "--spec", bad.toString(), "--state-dir", dir.resolve("state").toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).startsWith("sluice: " + bad + " line 5, column 14, steps[0].dedupe.windw:");
    }

    @Test
    void transformStopsWhenTheSaltAMaskNeedsIsNotInTheEnvironment() throws IOException {
        Path masked = write("masked.yaml", GOOD.replace("  - filter: {field: status, not-in: [failed]}",
                "  - mask: {salt-env: SLUICE_TEST_SALT_THAT_IS_NEVER_SET, fields: {email: hash}}"));

        Run run = sluice("transform", "--bootstrap-servers", NOWHERE, "--registry-url", "http://" + NOWHERE,
                "--no-replication", "--spec", masked.toString(), "--state-dir", dir.resolve("state").toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("Pipeline payments-clean: Step 'mask' (line 7) hashes columns, but the"
                + " environment variable SLUICE_TEST_SALT_THAT_IS_NEVER_SET is not set");
    }

    @Test
    void noReplicationNeedsASpec() {
        Run run = sluice("transform", "--bootstrap-servers", NOWHERE, "--registry-url", "http://" + NOWHERE,
                "--no-replication");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--no-replication leaves nothing to run; add --spec PATH.");
    }

    @Test
    void aMissingSpecPathIsNamed() {
        Run run = sluice("spec", "check", dir.resolve("nope.yaml").toString());

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("There is no spec file or directory at " + dir.resolve("nope.yaml"));
    }

    @Test
    void theSinkRegexMatchesEveryOutputTopicAndNoSideTopic() {
        String regex = UserSpecs.outputTopicsRegex(List.of(
                PipelineSpecParser.parse(GOOD, "good.yaml"),
                PipelineSpecParser.parse(GOOD.replace("payments-clean", "clean-all")
                        .replace("topics: [sluice.public.payments]", "pattern: 'sluice\\.public\\.[^.]+'")
                        .replace("payments.public.payments_clean", "clean.${schema}.${table}"), "all.yaml")));
        Pattern pattern = Pattern.compile(regex);

        assertThat(pattern.matcher("payments.public.payments_clean").matches()).isTrue();
        assertThat(pattern.matcher("clean.public.orders").matches()).isTrue();
        assertThat(pattern.matcher("paymentsXpublic.payments_clean").matches()).isFalse();
        assertThat(pattern.matcher("payments-clean.quarantine").matches()).isFalse();
        assertThat(pattern.matcher("clean-all.late").matches()).isFalse();
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
