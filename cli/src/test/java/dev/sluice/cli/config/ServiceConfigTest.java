package dev.sluice.cli.config;

import dev.sluice.schemas.kafka.RecordSizeLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The four layers, secret references and the start-up sentences, without starting anything. */
class ServiceConfigTest {

    private static final List<Section> INGEST = List.of(Section.KAFKA, Section.SCHEMA_REGISTRY, Section.HTTP, Section.INGEST);

    @TempDir
    Path dir;

    private Path file(String yaml) throws Exception {
        Path f = dir.resolve("sluice.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private static final String BASE = """
            kafka:
              bootstrap.servers: file:9092
            schema-registry:
              url: http://file:8081
            ingest:
              source.url: postgresql://app@db:5432/shop
              slot: from_file
              publication: from_file
              partitions: 3
            """;

    @Test
    void flagWinsOverEnvironmentWhichWinsOverFileWhichWinsOverDefault() throws Exception {
        ServiceConfig c = ServiceConfig.load(file(BASE),
                Map.of("SLUICE_INGEST_SLOT", "from_env", "SLUICE_INGEST_PUBLICATION", "from_env"),
                Map.of(Section.INGEST, Map.of("slot", "from_flag")), INGEST);
        assertThat(c.get(Section.INGEST).getString("slot")).isEqualTo("from_flag");
        assertThat(c.get(Section.INGEST).getString("publication")).isEqualTo("from_env");
        assertThat(c.get(Section.INGEST).getInt("partitions")).isEqualTo(3);
        assertThat(c.get(Section.INGEST).getString("snapshot.mode")).isEqualTo("initial");
        assertThat(c.get(Section.HTTP).getInt("port")).isEqualTo(8080);
        assertThat(c.bootstrapServers()).isEqualTo("file:9092");
    }

    @Test
    void maxRecordBytesIsOneSettingOfTheKafkaSectionNotPassedToClientsAsIs() throws Exception {
        ServiceConfig byDefault = ServiceConfig.load(file(BASE), Map.of(), Map.of(), INGEST);
        assertThat(byDefault.recordSizeLimit()).isEqualTo(RecordSizeLimit.DEFAULT);

        ServiceConfig fromFile = ServiceConfig.load(file(BASE.replace("  bootstrap.servers: file:9092\n",
                "  bootstrap.servers: file:9092\n  max.record.bytes: 209715200\n")), Map.of(), Map.of(), INGEST);
        assertThat(fromFile.recordSizeLimit().maxRecordBytes()).isEqualTo(200L << 20);
        assertThat(fromFile.kafkaPassThrough()).doesNotContainKey("max.record.bytes");
        assertThat(fromFile.kafka()).doesNotContainKey("max.record.bytes");

        ServiceConfig fromEnv = ServiceConfig.load(file(BASE), Map.of("SLUICE_KAFKA_MAX_RECORD_BYTES", "2097152"),
                Map.of(), INGEST);
        assertThat(fromEnv.recordSizeLimit().maxRecordBytes()).isEqualTo(2L << 20);
        assertThat(fromEnv.kafkaPassThrough()).doesNotContainKey("max.record.bytes");
    }

    @Test
    void aMaxRecordBytesOutOfRangeIsOneSentenceNamingWhereItCameFrom() {
        assertThatThrownBy(() -> ServiceConfig.load(file(BASE), Map.of(),
                Map.of(Section.KAFKA, Map.of("max.record.bytes", "1000")), INGEST))
                .hasMessage("--max-record-bytes = '1000' is out of range; use a value in [1048576,...,1073741824].");
    }

    @Test
    void kafkaClientSettingsPassThroughFromFileEnvironmentAndFlags() throws Exception {
        ServiceConfig c = ServiceConfig.load(file(BASE),
                Map.of("SLUICE_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"),
                Map.of(Section.KAFKA, Map.of("sasl.mechanism", "SCRAM-SHA-512")), INGEST);
        assertThat(c.kafkaPassThrough()).containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512").doesNotContainKey("bootstrap.servers");
    }

    @Test
    void envAndFileReferencesAreResolvedAndTheRawReferenceKept() throws Exception {
        Path secrets = dir.resolve("secrets.properties");
        Files.writeString(secrets, "source=s3cret-from-file\n");
        ServiceConfig c = ServiceConfig.load(file(BASE + "  source.password: ${file:" + secrets + ":source}\n"
                        + "connect:\n  warehouse: jdbc:postgresql://wh:5432/dw\n  warehouse.password: ${env:WH_PASSWORD}\n"),
                Map.of("WH_PASSWORD", "s3cret-from-env"), Map.of(),
                List.of(Section.KAFKA, Section.SCHEMA_REGISTRY, Section.INGEST, Section.CONNECT));
        assertThat(c.get(Section.INGEST).getPassword("source.password").value()).isEqualTo("s3cret-from-file");
        assertThat(c.get(Section.CONNECT).getPassword("warehouse.password").value()).isEqualTo("s3cret-from-env");
        assertThat(c.raw(Section.CONNECT, "warehouse.password")).isEqualTo("${env:WH_PASSWORD}");
    }

    @Test
    void anUnsetEnvironmentReferenceIsOneSentenceNamingItAndTheFix() throws Exception {
        assertThatThrownBy(() -> ServiceConfig.load(file(BASE + "  source.password: ${env:NOPE_PASSWORD}\n"), Map.of(),
                Map.of(), INGEST))
                .hasMessage("ingest.source.password in " + dir.resolve("sluice.yaml") + " refers to ${env:NOPE_PASSWORD},"
                        + " which is not set; export NOPE_PASSWORD or fix the reference.");
    }

    @Test
    void anUnknownKeyNamesTheKeyAndTheSettingsThereAre() throws Exception {
        assertThatThrownBy(() -> ServiceConfig.load(file(BASE + "  slott: x\n"), Map.of(), Map.of(), INGEST))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(dir.resolve("sluice.yaml") + ": 'ingest.slott' is not a setting of ingest; use one of ")
                .hasMessageContaining("slot, ");
    }

    @Test
    void anUnknownSectionIsRefused() throws Exception {
        assertThatThrownBy(() -> ServiceConfig.load(file(BASE + "ingset:\n  slot: x\n"), Map.of(), Map.of(), INGEST))
                .hasMessageContaining("'ingset' is not a section; use kafka, schema-registry, http, ingest,");
    }

    @Test
    void aBadValueNamesWhereItCameFromTheValueAndTheFix() throws Exception {
        assertThatThrownBy(() -> ServiceConfig.load(file(BASE), Map.of("SLUICE_INGEST_PARTITIONS", "three"), Map.of(), INGEST))
                .hasMessage("SLUICE_INGEST_PARTITIONS = 'three' is not a whole number; write a whole number"
                        + " (see docs/configuration.md).");
        assertThatThrownBy(() -> ServiceConfig.load(file(BASE), Map.of(), Map.of(Section.INGEST, Map.of("partitions", "0")),
                INGEST))
                .hasMessage("--partitions = '0' is out of range; use a value in [1,...].");
        assertThatThrownBy(() -> ServiceConfig.load(file(BASE.replace("http://file:8081", "file:8081")), Map.of(), Map.of(),
                INGEST))
                .hasMessage("schema-registry.url in " + dir.resolve("sluice.yaml")
                        + " 'file:8081' is not an http:// or https:// URL; write it like http://registry:8081.");
    }

    @Test
    void aMissingRequiredSettingSaysTheThreeWaysToSetIt() {
        assertThatThrownBy(() -> ServiceConfig.load(null, Map.of(), Map.of(), INGEST))
                .hasMessage("kafka.bootstrap.servers is not set; pass --bootstrap-servers, set SLUICE_KAFKA_BOOTSTRAP_SERVERS"
                        + " or write bootstrap.servers under kafka: in the --config file.");
    }

    @Test
    void aSecretIsNeverRepeatedInAnError() throws Exception {
        assertThatThrownBy(() -> ServiceConfig.load(file(BASE.replace("url: http://file:8081", "url: http://file:8081\n  basic.auth.user.info: ${env:REG}")),
                Map.of("REG", "no-colon-secret"), Map.of(), INGEST))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("no-colon-secret"));
    }

    @Test
    void aPasswordInASourceOrWarehouseUrlIsRefusedNamingWhereAndTheSettingToUse() throws Exception {
        assertThatThrownBy(() -> ServiceConfig.load(file(BASE.replace("postgresql://app@db", "postgresql://app:s3cret@db")),
                Map.of(), Map.of(), INGEST))
                .hasMessage("ingest.source.url in " + dir.resolve("sluice.yaml") + " holds a password (USER:PASSWORD@), which"
                        + " would be printed and logged with the URL; remove it from the URL and give it as"
                        + " ingest.source.password in the --config file (best a ${env:VAR} or ${file:PATH:KEY} reference),"
                        + " SLUICE_INGEST_SOURCE_PASSWORD or PGPASSWORD.");
        assertThatThrownBy(() -> ServiceConfig.load(file(BASE), Map.of(), Map.of(Section.INGEST,
                Map.of("source.url", "postgresql://app@db/shop?password=s3cret")), INGEST))
                .hasMessageStartingWith("--source-url holds a password (a password= parameter)")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> ServiceConfig.load(file(BASE), Map.of("SLUICE_CONNECT_WAREHOUSE",
                "jdbc:postgresql://wh/dw?user=u&password=s3cret"), Map.of(), List.of(Section.CONNECT)))
                .hasMessageStartingWith("SLUICE_CONNECT_WAREHOUSE holds a password (a password= parameter)")
                .hasMessageContaining("connect.warehouse.password in the --config file")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> ServiceConfig.load(null, Map.of(), Map.of(Section.LOCAL,
                Map.of("warehouse", "postgresql://u:s3cret@wh/dw")), List.of(Section.LOCAL)))
                .hasMessageStartingWith("--warehouse holds a password (USER:PASSWORD@)")
                .hasMessageContaining("SLUICE_LOCAL_WAREHOUSE_PASSWORD or PGPASSWORD.")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aPlainSecretReachesAConnectorAsAReferenceAndAReferenceStaysOne() throws Exception {
        ServiceConfig plain = ServiceConfig.load(file(BASE.replace("url: http://file:8081",
                        "url: http://file:8081\n  basic.auth.user.info: u:reg-S3cret")
                        + "connect:\n  warehouse: jdbc:postgresql://wh:5432/dw\n  warehouse.password: wh-S3cret\n"),
                Map.of(), Map.of(), List.of(Section.KAFKA, Section.SCHEMA_REGISTRY, Section.CONNECT));
        assertThat(plain.connectorSecrets().toString()).doesNotContain("S3cret");
        assertThat(plain.connectorSecrets().get("connection.password")).startsWith("${sluice:password-");
        ServiceConfig referenced = ServiceConfig.load(file(BASE + "connect:\n  warehouse: jdbc:postgresql://wh:5432/dw\n"
                + "  warehouse.password: ${env:WH}\n"), Map.of("WH", "wh-S3cret"), Map.of(),
                List.of(Section.KAFKA, Section.SCHEMA_REGISTRY, Section.CONNECT));
        assertThat(referenced.connectorSecrets()).containsEntry("connection.password", "${env:WH}");
    }

    @Test
    void theConnectWorkerGetsTheSameProviders() {
        assertThat(ServiceConfig.workerConfigProviders()).containsEntry("config.providers", "env,file,sluice")
                .containsEntry("config.providers.env.class", "org.apache.kafka.common.config.provider.EnvVarConfigProvider");
    }

    @Test
    void theSampleFileIsValidForEveryService() {
        Path sample = Path.of("..", "docs", "sluice.yaml");
        Map<String, String> env = Map.of("SOURCE_PASSWORD", "x", "WAREHOUSE_PASSWORD", "y", "REGISTRY_AUTH", "u:p");
        for (List<Section> sections : List.of(INGEST,
                List.of(Section.KAFKA, Section.SCHEMA_REGISTRY, Section.HTTP, Section.TRANSFORM),
                List.of(Section.KAFKA, Section.SCHEMA_REGISTRY, Section.HTTP, Section.CONNECT),
                List.of(Section.KAFKA, Section.HTTP, Section.REGISTRY), List.of(Section.HTTP, Section.LOCAL),
                List.of(Section.LINEAGE))) {
            assertThat(ServiceConfig.load(sample, env, Map.of(), sections)).isNotNull();
        }
    }

    @Test
    void aTableNameFormatIsNotTakenForASecretReference() throws Exception {
        ServiceConfig c = ServiceConfig.load(file("""
                kafka:
                  bootstrap.servers: file:9092
                schema-registry:
                  url: http://file:8081
                connect:
                  warehouse: jdbc:duckdb:/tmp/w.duckdb
                  table.name.format: ${schema}_${table}
                """), Map.of(), Map.of(), List.of(Section.KAFKA, Section.SCHEMA_REGISTRY, Section.HTTP, Section.CONNECT));
        assertThat(c.get(Section.CONNECT).getString("table.name.format")).isEqualTo("${schema}_${table}");
        assertThat(ServiceConfig.load(file("kafka:\n  bootstrap.servers: file:9092\n"), Map.of(), Map.of(),
                List.of(Section.KAFKA, Section.LOCAL)).get(Section.LOCAL).getString("table.name.format")).isEqualTo("${table}");
    }
}
