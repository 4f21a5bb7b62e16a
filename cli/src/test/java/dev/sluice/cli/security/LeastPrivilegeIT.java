package dev.sluice.cli.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.cli.PipelineInfrastructure;
import dev.sluice.cli.local.ReplicationPipeline;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.ingest.IngestService;
import dev.sluice.ingest.source.SourceSetupException;
import dev.sluice.sink.WarehouseSinkTask;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sluice under least-privilege roles, as docs/security.md sets them up. Ingest runs as {@code sluice_ingest}: no
 * superuser, REPLICATION, member of the role owning the captured table (PostgreSQL lets only a table's owner publish
 * it), CREATE on the database (the publication) and a control schema of its own. The sink runs as {@code sluice_sink},
 * which owns one warehouse schema and has no right on {@code public}. The pipeline captures, loads and streams; every
 * control table is in Sluice's schemas. Control tables another role owns are refused before anything is written, with
 * the sentence, on both sides.
 */
class LeastPrivilegeIT {
    private static final String SOURCE = "lp_source";
    private static final String WAREHOUSE = "lp_warehouse";

    @TempDir
    static Path work;

    private static PipelineInfrastructure infra;

    @BeforeAll
    static void start() throws SQLException {
        infra = PipelineInfrastructure.start(SOURCE, WAREHOUSE);
        // the administrator's part (superuser), once
        admin(SOURCE, "CREATE ROLE app_owner NOLOGIN",
                "CREATE ROLE sluice_ingest LOGIN REPLICATION PASSWORD 'ingest-pw' IN ROLE app_owner",
                "CREATE ROLE mallory LOGIN PASSWORD 'mallory-pw'",
                "GRANT CREATE ON DATABASE " + SOURCE + " TO sluice_ingest",
                "CREATE SCHEMA sluice AUTHORIZATION sluice_ingest",
                "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
                "CREATE TABLE public.accounts (id int PRIMARY KEY, holder text NOT NULL, balance numeric(12,2))",
                "ALTER TABLE public.accounts OWNER TO app_owner",
                "INSERT INTO public.accounts SELECT g, 'holder ' || g, g * 10 FROM generate_series(1, 500) g");
        admin(WAREHOUSE, "CREATE ROLE sluice_sink LOGIN PASSWORD 'sink-pw'",
                "REVOKE ALL ON SCHEMA public FROM PUBLIC",
                "CREATE SCHEMA sluice AUTHORIZATION sluice_sink");
    }

    @AfterAll
    static void stop() {
        infra.close();
    }

    @Test
    void ingestAndSinkRunWithOnlyTheRightsTheDocsName() throws Exception {
        assertThat(query(SOURCE, "SELECT rolname || ' ' || rolsuper FROM pg_roles WHERE rolname IN ('sluice_ingest', 'sluice_sink')"))
                .containsExactlyInAnyOrder("sluice_ingest false", "sluice_sink false");
        SourceUrl source = new SourceUrl(infra.postgres.host(), infra.postgres.port(), SOURCE, "sluice_ingest", "ingest-pw");
        WarehouseTarget warehouse = new WarehouseTarget(infra.postgres.jdbcUrl(WAREHOUSE) + sep(WAREHOUSE) + "currentSchema=sluice",
                "sluice_sink", "sink-pw");
        try (ReplicationPipeline pipeline = ReplicationPipeline.start(ReplicationPipeline.Settings.of(
                infra.kafka.bootstrapServers(), infra.registry.url(), source, List.of("public.accounts"), List.of(warehouse),
                work.resolve("run")).withControlSchema("sluice"))) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> query(WAREHOUSE, "SELECT count(*) FROM sluice.accounts").equals(List.of("500")));
            admin(SOURCE, "UPDATE public.accounts SET balance = balance + 1 WHERE id <= 10",
                    "INSERT INTO public.accounts VALUES (501, 'new', 1)", "DELETE FROM public.accounts WHERE id = 2");
            assertThat(pipeline.awaitDrained(Duration.ofSeconds(60))).as("drained").isTrue();
        }
        assertThat(query(WAREHOUSE, "SELECT count(*) FILTER (WHERE NOT __deleted), sum(balance) FILTER (WHERE NOT __deleted)"
                + " FROM sluice.accounts"))
                .isEqualTo(query(SOURCE, "SELECT count(*), sum(balance) FROM public.accounts"));
        // every control table is in the schema Sluice owns, none in public
        assertThat(query(WAREHOUSE, "SELECT schemaname || '.' || tablename || ' ' || tableowner FROM pg_tables"
                + " WHERE tablename LIKE '\\_sluice\\_%' ORDER BY 1"))
                .isNotEmpty().allMatch(t -> t.startsWith("sluice._sluice_") && t.endsWith(" sluice_sink"));
        assertThat(query(WAREHOUSE, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).containsExactly("0");
        assertThat(query(SOURCE, "SELECT schemaname || '.' || tablename || ' ' || tableowner FROM pg_tables"
                + " WHERE tablename LIKE 'sluice\\_%' ORDER BY 1"))
                .containsExactly("sluice.sluice_heartbeat sluice_ingest", "sluice.sluice_signal sluice_ingest");
    }

    @Test
    void controlTablesAnotherRoleOwnsAreRefusedBeforeAnythingIsWritten() throws Exception {
        // warehouse: a schema the sink owns, where another role made _sluice_offsets first (and let the sink write it)
        admin(WAREHOUSE, "CREATE SCHEMA trap AUTHORIZATION sluice_sink",
                "CREATE TABLE trap._sluice_offsets (connector varchar NOT NULL, topic varchar NOT NULL,"
                        + " partition int NOT NULL, next_offset bigint NOT NULL, PRIMARY KEY (connector, topic, partition))",
                "ALTER TABLE trap._sluice_offsets OWNER TO mallory",
                "GRANT ALL ON trap._sluice_offsets TO sluice_sink");
        WarehouseSinkTask task = new WarehouseSinkTask();
        Map<String, String> props = Map.of("name", "trapped", "connection.url",
                infra.postgres.jdbcUrl(WAREHOUSE) + sep(WAREHOUSE) + "currentSchema=trap",
                "connection.user", "sluice_sink", "connection.password", "sink-pw");
        task.initialize(new BareContext(props));
        assertThatThrownBy(() -> task.start(props)).isInstanceOf(ConnectException.class)
                .hasMessage("Sluice's control table trap._sluice_offsets is owned by role mallory, not by the warehouse"
                        + " user sluice_sink (or a role it belongs to), so another role could change what Sluice reads from"
                        + " it (e.g. where the sink resumes); drop it, give it to sluice_sink (ALTER TABLE"
                        + " trap._sluice_offsets OWNER TO sluice_sink), or give Sluice a schema of its own (CREATE SCHEMA"
                        + " sluice AUTHORIZATION sluice_sink, then ?currentSchema=sluice in the warehouse URL).");
        assertThat(query(WAREHOUSE, "SELECT tablename FROM pg_tables WHERE schemaname = 'trap'"))
                .as("nothing created beside it").containsExactly("_sluice_offsets");

        // source: a control schema where another role made the signal table first
        admin(SOURCE, "CREATE SCHEMA hijacked AUTHORIZATION sluice_ingest",
                "CREATE TABLE hijacked.trap_signal (id varchar(64) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048))",
                "ALTER TABLE hijacked.trap_signal OWNER TO mallory",
                "GRANT ALL ON hijacked.trap_signal TO sluice_ingest");
        SourceUrl source = new SourceUrl(infra.postgres.host(), infra.postgres.port(), SOURCE, "sluice_ingest", "ingest-pw");
        IngestService ingest = new IngestService(ReplicationPipeline.ingestSettings(ReplicationPipeline.Settings.of(
                        infra.kafka.bootstrapServers(), infra.registry.url(), source, List.of("public.accounts"), List.of(),
                        work.resolve("trap")).withControlSchema("hijacked"))
                .toBuilder().slotName("trap").publicationName("trap").topicPrefix("trap").build());
        try {
            assertThatThrownBy(ingest::start).isInstanceOf(SourceSetupException.class)
                    .hasMessage("Sluice's control table \"hijacked\".\"trap_signal\" is owned by role mallory, not by the"
                            + " ingest user sluice_ingest (or a role it belongs to), so another role could rewrite its"
                            + " signals; drop it, give it to sluice_ingest (ALTER TABLE \"hijacked\".\"trap_signal\" OWNER TO"
                            + " sluice_ingest), or set the ingest control.schema to a schema of Sluice's own.");
        } finally {
            ingest.close();
        }
        assertThat(query(SOURCE, "SELECT count(*) FROM pg_publication WHERE pubname = 'trap'")).containsExactly("0");
        assertThat(query(SOURCE, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'trap'")).containsExactly("0");
        assertThat(query(SOURCE, "SELECT tablename FROM pg_tables WHERE schemaname = 'hijacked'")).containsExactly("trap_signal");
    }

    private static String sep(String database) {
        return infra.postgres.jdbcUrl(database).contains("?") ? "&" : "?";
    }

    private static void admin(String database, String... statements) throws SQLException {
        try (Connection c = DriverManager.getConnection(infra.postgres.jdbcUrl(database), infra.postgres.user(),
                infra.postgres.password()); Statement s = c.createStatement()) {
            for (String statement : statements) {
                s.execute(statement);
            }
        }
    }

    private static List<String> query(String database, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(infra.postgres.jdbcUrl(database), infra.postgres.user(),
                infra.postgres.password()); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> values = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    values.add(rs.getString(i));
                }
                rows.add(String.join(" ", values));
            }
        }
        return rows;
    }

    /** What a worker gives a task, minus everything the refusal never reaches. */
    private record BareContext(Map<String, String> configs) implements SinkTaskContext {
        @Override
        public void offset(Map<TopicPartition, Long> offsets) {
        }

        @Override
        public void offset(TopicPartition tp, long offset) {
        }

        @Override
        public void timeout(long timeoutMs) {
        }

        @Override
        public Set<TopicPartition> assignment() {
            return Set.of();
        }

        @Override
        public void pause(TopicPartition... partitions) {
        }

        @Override
        public void resume(TopicPartition... partitions) {
        }

        @Override
        public void requestCommit() {
        }

        @Override
        public ErrantRecordReporter errantRecordReporter() {
            return null;
        }

        @Override
        public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
            return null;
        }
    }
}
