package dev.sluice.cli.secret;

import dev.sluice.cli.SluiceCommand;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Which URLs hold a password, and that no message quoting a typed URL repeats one. */
class PasswordInUrlTest {

    @Test
    void findsAPasswordInTheUserInfoOrAParameterOnly() {
        assertThat(PasswordInUrl.where("postgresql://app:s3cret@db:5432/shop")).isEqualTo("USER:PASSWORD@");
        assertThat(PasswordInUrl.where("jdbc:postgresql://app:@db/shop")).as("even an empty one").isEqualTo("USER:PASSWORD@");
        assertThat(PasswordInUrl.where("jdbc:postgresql://db/shop?user=a&Password=x")).isEqualTo("a password= parameter");
        assertThat(PasswordInUrl.where("postgres://db/shop?sslpassword=x")).isEqualTo("a sslpassword= parameter");
        assertThat(PasswordInUrl.where("postgresql://app@db:5432/shop?sslmode=verify-full")).isNull();
        assertThat(PasswordInUrl.where("postgresql://app@[::1]:5432/shop")).isNull();
        assertThat(PasswordInUrl.where("jdbc:postgresql://h1:5432,h2:5433/shop?targetServerType=primary")).isNull();
        assertThat(PasswordInUrl.where("jdbc:duckdb:/data/a:b@c.duckdb")).isNull();
        assertThat(PasswordInUrl.where(null)).isNull();
    }

    @Test
    void picocliNeverQuotesAPasswordTypedInAUrl() {
        StringWriter err = new StringWriter();
        CommandLine cli = SluiceCommand.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("reconcile", "--sourceurl", "postgresql://app:Typo-S3cret@db/shop",
                "jdbc:postgresql://db/dw?password=Typo-S3cret");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option").contains("app:***@db").doesNotContain("Typo-S3cret");
    }
}
