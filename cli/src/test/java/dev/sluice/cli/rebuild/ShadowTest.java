package dev.sluice.cli.rebuild;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.cli.SluiceCommand;
import dev.sluice.cli.spec.UserSpecs;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.replicate.ReplicationSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The names a rebuild runs under: apart from the live version's, and tables that keep their live name's stem. */
class ShadowTest {

    @TempDir
    Path dir;

    @Test
    void theReplicationShadowHasItsOwnApplicationTopicsConnectorAndTables() {
        Shadow shadow = new Shadow("v2", null);
        assertThat(shadow.applicationId()).isEqualTo("sluice-replica__v2");
        assertThat(shadow.replicationSpec(ReplicationSpec.defaults()).outputTopicFor("sluice.public.orders"))
                .isEqualTo("replica__v2.public.orders");
        ReplicationSpec otherPrefix = shadow.replicationSpec(ReplicationSpec.defaults().withPrefix("erp"));
        assertThat(otherPrefix.isInputTopic("erp.public.orders")).isTrue();
        assertThat(otherPrefix.isInputTopic("sluice.public.orders")).isFalse();
        assertThat(otherPrefix.outputTopicFor("erp.public.orders")).isEqualTo("replica__v2.public.orders");
        assertThat(shadow.connector()).isEqualTo("sluice-warehouse__v2");
        assertThat(shadow.liveConnector()).isEqualTo("sluice-warehouse");
        assertThat(shadow.tableNameFormat(false)).isEqualTo("${table}__v2");
        assertThat(shadow.tableNameFormat(true)).isEqualTo("${table}");
        Pattern topics = Pattern.compile(shadow.topicsRegex());
        assertThat(topics.matcher("replica__v2.public.orders").matches()).isTrue();
        assertThat(topics.matcher("replica.public.orders").matches()).isFalse();
        // the live sink's subscription does not pick the shadow's rows up
        assertThat(Pattern.compile("replica\\.[^.]+\\.[^.]+").matcher("replica__v2.public.orders").matches()).isFalse();
    }

    @Test
    void aSpecShadowRenamesItsPipelineAndTheFirstPartOfItsOutputTopics() throws Exception {
        Path file = dir.resolve("clean.yaml");
        java.nio.file.Files.writeString(file, """
                pipeline: clean_orders
                source:
                  topics: [sluice.public.orders]
                output:
                  topic: clean.${schema}.${table}
                steps: []
                """);
        PipelineSpec spec = UserSpecs.parse(file);
        Shadow shadow = new Shadow("v2", spec);
        PipelineSpec shadowSpec = shadow.shadowSpec();
        assertThat(shadowSpec.pipeline()).isEqualTo("clean_orders__v2");
        assertThat(shadowSpec.output().topicFor("sluice.public.orders")).isEqualTo("clean__v2.public.orders");
        assertThat(shadowSpec.dlqTopic()).isEqualTo("clean_orders__v2.dlq");
        assertThat(shadow.liveConnector()).isEqualTo("sluice-warehouse-specs");
        Pattern topics = Pattern.compile(shadow.topicsRegex());
        assertThat(topics.matcher("clean__v2.public.orders").matches()).isTrue();
        assertThat(Pattern.compile(UserSpecs.outputTopicsRegex(List.of(spec))).matcher("clean__v2.public.orders").matches())
                .as("the live spec sink's subscription").isFalse();
        assertThat(shadow.shadowTemplate("${table}_clean")).isEqualTo("v2.${table}_clean");
    }

    @Test
    void aBadNameIsOneSentenceAndNothingStarts() {
        assertThatThrownBy(() -> new Shadow("previous", null)).hasMessageContaining("not 'previous'");
        assertThatThrownBy(() -> new Shadow("a__b", null)).hasMessageStartingWith("--as 'a__b' is not a rebuild name;");
        StringWriter err = new StringWriter();
        CommandLine cli = SluiceCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("rebuild", "start", "--replication", "--as", "V2!", "--bootstrap-servers", "localhost:1",
                "--registry-url", "http://localhost:1", "--warehouse", "jdbc:duckdb:" + dir.resolve("w.duckdb"));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().trim()).isEqualTo("sluice: --as 'V2!' is not a rebuild name; use up to 30 lower-case"
                + " letters, digits and single underscores, starting with a letter (not 'previous'), e.g. v2.");
        assertThat(dir.resolve("w.duckdb")).doesNotExist();
    }

    @Test
    void statusNeedsOnlyTheWarehouseAndNamesAnUnknownRebuild() {
        StringWriter err = new StringWriter();
        CommandLine cli = SluiceCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("rebuild", "status", "v2", "--warehouse", "jdbc:duckdb:" + dir.resolve("status.duckdb"));
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString().trim()).isEqualTo("sluice: There is no rebuild named 'v2' in this warehouse; start one"
                + " with sluice rebuild start --as v2.");
    }
}
