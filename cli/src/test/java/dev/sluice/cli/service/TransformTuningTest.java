package dev.sluice.cli.service;

import dev.sluice.cli.config.Section;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.transforms.runtime.TransformConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** transform.rocksdb.memory.mb, standby.replicas and instance.id reach every pipeline's Streams config (k8s sets them). */
class TransformTuningTest {

    private static final List<Section> SECTIONS = List.of(Section.KAFKA, Section.SCHEMA_REGISTRY, Section.HTTP, Section.TRANSFORM);

    @TempDir
    Path dir;

    private TransformConfig tuned(String transformYaml, Map<String, String> env) throws Exception {
        Path f = dir.resolve("sluice.yaml");
        Files.writeString(f, "kafka:\n  bootstrap.servers: k:9092\nschema-registry:\n  url: http://r:8081\n" + transformYaml);
        ServiceConfig c = ServiceConfig.load(f, env, Map.of(), SECTIONS);
        return TransformCommand.tuned(TransformConfig.of("k:9092", "http://r:8081"), c.get(Section.TRANSFORM));
    }

    @Test
    void defaultsKeepTheBoundNoStandbysAndDynamicMembership() throws Exception {
        TransformConfig t = tuned("", Map.of());
        assertThat(t.rocksDbMemoryBytes()).isEqualTo(512L << 20);
        assertThat(t.standbyReplicas()).isZero();
        assertThat(t.groupInstanceId()).isNull();
    }

    @Test
    void fileAndEnvironmentSetBoundStandbysAndThePodNameAsInstanceId() throws Exception {
        TransformConfig t = tuned("transform:\n  rocksdb.memory.mb: 256\n  standby.replicas: 1\n",
                Map.of("SLUICE_TRANSFORM_INSTANCE_ID", "transform-2"));
        assertThat(t.rocksDbMemoryBytes()).isEqualTo(256L << 20);
        assertThat(t.standbyReplicas()).isEqualTo(1);
        assertThat(t.groupInstanceId()).isEqualTo("transform-2");
    }

    @Test
    void aBoundBelowTheMinimumStopsWithASentenceNamingTheKey() {
        assertThatThrownBy(() -> tuned("transform:\n  rocksdb.memory.mb: 8\n", Map.of()))
                .hasMessageContaining("rocksdb.memory.mb");
    }
}
