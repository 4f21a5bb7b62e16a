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
        // moved out of the URL, which is logged and shown by Connect's REST API, into the password setting
        assertThat(target.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:1/analytics?user=me&sslmode=require");
        assertThat(target.display()).doesNotContain("s3cret");
        assertThat(target.password()).isEqualTo("s3cret");
        assertThat(WarehouseTarget.parse("jdbc:postgresql://h:1/db?password=a%26b", Path.of("unused")))
                .satisfies(t -> assertThat(t.jdbcUrl()).isEqualTo("jdbc:postgresql://h:1/db"))
                .satisfies(t -> assertThat(t.password()).isEqualTo("a&b"));
        assertThat(WarehouseTarget.parse("jdbc:postgresql://h:1/db?ssl=true&PASSWORD=x&user=u", Path.of("unused")).jdbcUrl())
                .isEqualTo("jdbc:postgresql://h:1/db?ssl=true&user=u");
        assertThatThrownBy(target::check).hasMessageContaining("cannot be opened").hasMessageNotContaining("s3cret");
    }
}
