package dev.sluice.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WarehouseTargetTest {

    @Test
    void aPasswordInTheUrlIsNeverShown() {
        WarehouseTarget target = WarehouseTarget.parse(
                "jdbc:postgresql://localhost:1/analytics?user=me&password=s3cret&sslmode=require", Path.of("unused"));
        assertThat(target.display()).isEqualTo(
                "jdbc:postgresql://localhost:1/analytics?user=me&password=***&sslmode=require");
        assertThatThrownBy(target::check).hasMessageContaining("cannot be opened").hasMessageNotContaining("s3cret");
    }
}
