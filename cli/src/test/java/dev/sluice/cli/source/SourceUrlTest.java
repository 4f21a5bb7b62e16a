package dev.sluice.cli.source;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Driver parameters in a source URL (TLS above all) survive into the JDBC URL; a password never shows. */
class SourceUrlTest {

    @Test
    void queryParametersAreKeptForTheDriver() {
        SourceUrl url = SourceUrl.parse("postgresql://app@db.example:5433/shop?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem");
        assertThat(url.parameters()).isEqualTo(Map.of("sslmode", "verify-full", "sslrootcert", "/etc/ca.pem"));
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5433/shop?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem");
        assertThat(url.display()).doesNotContain("?");
    }

    @Test
    void aPasswordInTheUrlIsRefusedWithoutRepeatingIt() {
        for (String url : java.util.List.of("postgresql://app:s3cret@db/shop", "postgres://app:s3cret@db:5433/shop",
                "jdbc:postgresql://app:s3cret@db/shop", "postgresql://app@db/shop?sslmode=require&password=s3cret",
                "postgresql://app@db/shop?PASSWORD=s3cret", "postgresql://app@db/shop?sslpassword=s3cret")) {
            assertThatThrownBy(() -> SourceUrl.parse(url)).as(url)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("--source-url holds a password (")
                    .hasMessageEndingWith("give it as the PGPASSWORD environment variable.")
                    .hasMessageNotContaining("s3cret");
        }
        assertThat(SourceUrl.parse("postgresql://app@db/shop?user=other").user()).isEqualTo("other");
        assertThat(SourceUrl.withoutPassword("postgresql://app:s3cret@db/shop?password=s3cret")).doesNotContain("s3cret");
    }
}
