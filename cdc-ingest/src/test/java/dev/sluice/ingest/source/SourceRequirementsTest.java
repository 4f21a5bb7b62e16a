package dev.sluice.ingest.source;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SourceRequirementsTest {

    @Test
    void walLevelReplicaAsksForLogicalAndARestart() {
        assertThat(SourceRequirements.walLevel("db:5432/shop", "replica")).hasValue(
                "PostgreSQL at db:5432/shop has wal_level = replica;"
                        + " set wal_level = logical in postgresql.conf and restart PostgreSQL.");
        assertThat(SourceRequirements.walLevel("db:5432/shop", "minimal")).isPresent();
    }

    @Test
    void walLevelLogicalPasses() {
        assertThat(SourceRequirements.walLevel("db:5432/shop", "logical")).isEmpty();
    }

    @Test
    void roleWithoutReplicationIsToldTheAlterRoleStatement() {
        assertThat(SourceRequirements.replicationRight("app", false, false))
                .hasValueSatisfying(m -> assertThat(m).contains("ALTER ROLE app WITH REPLICATION"));
        assertThat(SourceRequirements.replicationRight("App User", false, false))
                .hasValueSatisfying(m -> assertThat(m).contains("ALTER ROLE \"App User\" WITH REPLICATION"));
    }

    @Test
    void replicationRightOrSuperuserPasses() {
        assertThat(SourceRequirements.replicationRight("app", true, false)).isEmpty();
        assertThat(SourceRequirements.replicationRight("postgres", false, true)).isEmpty();
    }

    @Test
    void slotOfAnotherPluginOrDatabaseCannotBeReused() {
        assertThat(SourceRequirements.existingSlot("sluice", "pgoutput", "shop", "shop")).isEmpty();
        assertThat(SourceRequirements.existingSlot("sluice", null, null, "shop")).isEmpty();
        assertThat(SourceRequirements.existingSlot("sluice", "decoderbufs", "shop", "shop"))
                .hasValueSatisfying(m -> assertThat(m).contains("pg_drop_replication_slot('sluice')").contains("--slot"));
        assertThat(SourceRequirements.existingSlot("sluice", "pgoutput", "other", "shop")).isPresent();
    }

    @Test
    void keylessTableMessageNamesBothWaysOut() {
        assertThat(SourceRequirements.tableWithoutKey(new TableId("public", "audit")))
                .contains("public.audit has no primary key")
                .contains("add a primary key")
                .contains("leave it out of --tables")
                .contains("REPLICA IDENTITY FULL is not supported yet");
    }

    @Test
    void namesDebeziumCannotLoadOrKafkaCannotHoldAreRefusedWithTheFix() {
        assertThat(SourceRequirements.nameProblem(new TableId("public", "say\"hi\""), "sluice"))
                .isEqualTo("Table public.say\"hi\" has a double quote in its name, which Debezium's incremental snapshots"
                        + " (its initial load and every backfill) cannot read; rename it (ALTER TABLE ... RENAME TO ...) or"
                        + " leave it out of --tables.");
        assertThat(SourceRequirements.nameProblem(new TableId("public", "order items"), "sluice")).contains("has a blank");
        assertThat(SourceRequirements.nameProblem(new TableId("my.schema", "t"), "sluice")).contains("has a dot");
        assertThat(SourceRequirements.nameProblem(new TableId("public", "'q"), "sluice")).contains("a leading quote");
        assertThat(SourceRequirements.nameProblem(new TableId("public", "it''s"), "sluice")).contains("a doubled quote");
        assertThat(SourceRequirements.nameProblem(new TableId("public", "a\\kb"), "sluice"))
                .startsWith("Table public.a\\kb has a backslash in its name");
        assertThat(SourceRequirements.nameProblem(new TableId("public", "表".repeat(63 / 3)), "sluice")).isNull();
        assertThat(SourceRequirements.nameProblem(new TableId("表".repeat(21), "表".repeat(21)), "sluice"))
                .contains("more than Kafka's 249");
        assertThat(SourceRequirements.nameProblem(new TableId("public", "Zählung's-$order+"), "sluice")).isNull();
        assertThat(SourceRequirements.nameProblem(new TableId("public", "select"), "sluice")).isNull();
    }
}
