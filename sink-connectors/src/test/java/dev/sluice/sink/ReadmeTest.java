package dev.sluice.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.sink.config.WarehouseSinkConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the README's settings table from drifting away from the ConfigDef that declares them. */
class ReadmeTest {
    @Test
    void everySettingIsDocumentedWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        WarehouseSinkConfig.CONFIG_DEF.configKeys().values().forEach(key -> {
            assertThat(readme).as(key.name).contains("`" + key.name + "`");
            if (key.hasDefault() && key.defaultValue != null) {
                assertThat(readme).as(key.name + " default").contains("`" + key.name + "` | " + key.type.name().toLowerCase()
                        + " | `" + key.defaultValue + "`");
            }
        });
    }
}
