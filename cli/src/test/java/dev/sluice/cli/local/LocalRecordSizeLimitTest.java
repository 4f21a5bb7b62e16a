package dev.sluice.cli.local;

import dev.sluice.cli.SluiceCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice local} reads {@code kafka.max.record.bytes} like the services (flag, or the kafka section of the
 * --config file), though it runs its own broker: a bad value stops it with the services' sentence before anything
 * starts. (The value reaching the broker, clients and topics is RecordSizeLimitTest's and SourceValuesIT's.)
 */
class LocalRecordSizeLimitTest {

    @TempDir
    Path dir;

    @Test
    void theFlagIsChecked() {
        assertThat(run("local", "--home", dir.resolve("a").toString(), "--max-record-bytes", "1000"))
                .isEqualTo("sluice: --max-record-bytes = '1000' is out of range; use a value in [1048576,...,1073741824].");
        assertThat(Files.exists(dir.resolve("a"))).as("nothing started").isFalse();
    }

    @Test
    void theKafkaSectionOfTheConfigFileIsRead() throws Exception {
        Path file = Files.writeString(dir.resolve("sluice.yaml"), "kafka:\n  max.record.bytes: 5\n");
        assertThat(run("local", "--home", dir.resolve("b").toString(), "--config", file.toString()))
                .isEqualTo("sluice: kafka.max.record.bytes in " + file + " = '5' is out of range; use a value in "
                        + "[1048576,...,1073741824].");
        assertThat(Files.exists(dir.resolve("b"))).as("nothing started").isFalse();
    }

    private static String run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = SluiceCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        assertThat(cli.execute(args)).isNotZero();
        return err.toString().strip();
    }
}
