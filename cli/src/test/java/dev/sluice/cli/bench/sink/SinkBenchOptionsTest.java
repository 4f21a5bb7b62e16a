package dev.sluice.cli.bench.sink;

import dev.sluice.cli.bench.BenchCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SinkBenchOptionsTest {

    @TempDir
    Path dir;

    private static void check(boolean sinkAlone, String... args) {
        SinkBenchOptions.checkMode(new CommandLine(new BenchCommand()).parseArgs(args), sinkAlone);
    }

    @Test
    void anOptionOfThePipelineBenchIsRefusedWithTheSinkAlone() {
        assertThatThrownBy(() -> check(true, "--sink", "--stage", "sink"))
                .hasMessage("--stage does not apply to --sink or --compare (the sink alone on generated changes); drop one of them.");
        assertThatThrownBy(() -> check(true, "--compare", "--rate", "1000")).hasMessageStartingWith("--rate does not apply");
        // the sink alone runs no ingest, so a Debezium setting would be silently ignored
        assertThatThrownBy(() -> check(true, "--sink", "--debezium", "snapshot.fetch.size=1000"))
                .hasMessageStartingWith("--debezium does not apply");
    }

    @Test
    void anOptionOfTheSinkAloneIsRefusedWithoutIt() {
        assertThatThrownBy(() -> check(false, "--records", "5000"))
                .hasMessage("--records applies only to the sink alone; add --sink (or --compare) or drop --records.");
    }

    @Test
    void theSinkAlonesOwnOptionsAreAccepted() {
        assertThatCode(() -> check(true, "--sink", "--records", "3000", "--partitions", "2", "--tasks", "2", "--json", "x.json"))
                .doesNotThrowAnyException();
        assertThatCode(() -> check(false, "--stage", "sink", "--duration", "20s")).doesNotThrowAnyException();
    }

    @Test
    void countsBelowOneAreRefused() {
        assertThatThrownBy(() -> SinkBenchOptions.settings(0, 2, 1, false, null))
                .hasMessage("--records must be at least 1, got 0.");
        assertThatThrownBy(() -> SinkBenchOptions.settings(10, 2, 0, false, null))
                .hasMessage("--tasks must be at least 1, got 0.");
    }

    @Test
    void aPluginPathWithoutDebeziumsJdbcSinkIsRefusedWithHowToGetIt() {
        Path missing = dir.resolve("nowhere");
        assertThatThrownBy(() -> SinkBenchOptions.settings(10, 2, 1, true, missing))
                .hasMessage("Debezium's JDBC sink plugin is not in " + missing.toAbsolutePath() + ": build Sluice with"
                        + " `mvn -B -o -q -DskipTests package` (it unpacks the plugin into cli/target/compare-plugins) or give"
                        + " --compare-plugin-path the directory holding its debezium-connector-jdbc folder.");
        assertThatThrownBy(() -> SinkBenchOptions.settings(10, 2, 1, true, dir))
                .hasMessageStartingWith("Debezium's JDBC sink plugin is not in " + dir.toAbsolutePath());
    }

    @Test
    void aPluginPathHoldingTheConnectorsFolderIsTheWorkersPluginPath() throws Exception {
        Path plugin = Files.createDirectories(dir.resolve("debezium-connector-jdbc"));
        Files.createFile(plugin.resolve("debezium-connector-jdbc-3.4.0.Final.jar"));
        assertThat(SinkBenchOptions.settings(10, 2, 1, true, dir).comparePluginPath()).isEqualTo(dir.toAbsolutePath());
        assertThat(SinkBenchOptions.settings(10, 2, 1, false, null).comparePluginPath()).isNull();
    }

    @Test
    void aPluginPathWithoutComparingIsRefused() {
        assertThatThrownBy(() -> SinkBenchOptions.settings(10, 2, 1, false, dir))
                .hasMessage("--compare-plugin-path applies only with --compare; add --compare or drop it.");
    }

    @Test
    void byDefaultThePluginIsWhereTheBuildUnpacksIt() {
        // the tests run from cli/ with the classes in cli/target/classes: the build's cli/target/compare-plugins
        assertThat(DebeziumJdbcSink.defaultPluginPath()).isEqualTo(Path.of("target", "compare-plugins").toAbsolutePath());
    }
}
