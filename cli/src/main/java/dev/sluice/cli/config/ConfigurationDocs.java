package dev.sluice.cli.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code docs/configuration.md} from the {@link Section} declarations, so the reference cannot drift from
 * the code ({@code ConfigurationDocsTest} fails when the committed file is stale). Run from the repository root:
 * {@value #REGENERATE}.
 */
public final class ConfigurationDocs {

    public static final String REGENERATE = "mvn -B -pl cli -am test -Dtest=ConfigurationDocsTest "
            + "-Dsluice.regenerate.docs=true -Dsurefire.failIfNoSpecifiedTests=false";

    private ConfigurationDocs() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "docs/configuration.md");
        Files.writeString(out, render());
        System.out.println("wrote " + out);
    }

    public static String render() {
        StringBuilder md = new StringBuilder();
        md.append("# Configuration reference\n\n")
                .append("<!-- Generated from dev.sluice.cli.config.Section by ConfigurationDocs; do not edit. -->\n\n")
                .append("Every service (`sluice local`, `ingest`, `transform`, `connect`, `registry`) takes `--config FILE`, ")
                .append("a YAML file of the sections below (one file can serve every service; each reads the sections it ")
                .append("needs: `kafka`, `schema-registry`, `http` and its own). A setting is taken from, first to last:\n\n")
                .append("1. the command-line flag,\n")
                .append("2. the environment variable `SLUICE_<SECTION>_<SETTING>` (upper case, `.` and `-` as `_`),\n")
                .append("3. the `--config` file,\n")
                .append("4. the default.\n\n")
                .append("Any value may name a secret instead of holding it, with Kafka's config provider syntax: ")
                .append("`${env:VAR}` (an environment variable) or `${file:/path/to/file.properties:key}` (a key of a ")
                .append("properties file). The sink connector receives `connect.warehouse.password` and the registry ")
                .append("credentials as the reference (a value written plainly, as a reference only its own process ")
                .append("resolves); the Connect worker resolves it, so Connect's REST API never shows the secret. ")
                .append("A source or warehouse URL holding a password is refused: passwords go in the `*.password` ")
                .append("settings, else PGPASSWORD (docs/security.md). ")
                .append("An unknown key, a bad value or a reference that does not resolve stops the ")
                .append("service at start-up with one sentence, before anything is written. See `docs/sluice.yaml`.\n");
        for (Section section : Section.values()) {
            md.append("\n## `").append(section.key()).append(":`\n\n").append(section.doc()).append("\n\n")
                    .append("| Setting | Flag | Environment | Type | Default | Valid values | Description |\n")
                    .append("|---|---|---|---|---|---|---|\n");
            Map<String, String> flags = Section.FLAGS.getOrDefault(section.key(), Map.of());
            for (ConfigDef.ConfigKey key : section.def().configKeys().values()) {
                md.append("| `").append(key.name).append("` | ")
                        .append(code(flags.get(key.name))).append(" | `")
                        .append(section.envName(key.name)).append("` | ")
                        .append(key.type.name().toLowerCase()).append(" | ")
                        .append(defaultOf(key)).append(" | ")
                        .append(key.validator == null ? "" : escape(key.validator.toString())).append(" | ")
                        .append(escape(key.documentation)).append(" |\n");
            }
            if (section.openEnded()) {
                md.append("| any Kafka client setting | ").append(code(flags.get("*"))).append(" | `")
                        .append(section.envName("")).append("<NAME>` | | | | Passed through as is. |\n");
            }
        }
        return md.toString();
    }

    private static String defaultOf(ConfigDef.ConfigKey key) {
        if (key.defaultValue == ConfigDef.NO_DEFAULT_VALUE) {
            return "required";
        }
        Object d = key.defaultValue;
        if (d == null || d instanceof Password || (d instanceof List<?> l && l.isEmpty())) {
            return "";
        }
        return "`" + (d instanceof List<?> l ? String.join(",", l.stream().map(Object::toString).toList()) : d) + "`";
    }

    private static String code(String s) {
        return s == null ? "" : "`" + s + "`";
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
    }
}
