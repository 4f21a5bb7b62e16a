package dev.sluice.cli.source;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
    void aPasswordParameterIsThePasswordNotADriverParameter() {
        SourceUrl url = SourceUrl.parse("postgresql://app@db/shop?password=s3cret&sslmode=require");
        assertThat(url.password()).isEqualTo("s3cret");
        assertThat(url.jdbcUrl()).doesNotContain("s3cret");
        assertThat(SourceUrl.withoutPassword("postgresql://app:s3cret@db/shop?password=s3cret")).doesNotContain("s3cret");
    }
}
