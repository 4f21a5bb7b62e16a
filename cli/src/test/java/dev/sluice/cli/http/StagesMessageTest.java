package dev.sluice.cli.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StagesMessageTest {

    private static final String DEBEZIUM = "The connector is trying to read change stream starting at PostgresOffsetContext "
            + "[sourceInfoSchema=Schema{io.debezium.connector.postgresql.Source:STRUCT}, sourceInfo=source_info[server='sluice'"
            + "db='shop', lsn=LSN{0/192E828}, txId=787], lastSnapshotRecord=false, incrementalSnapshotContext="
            + "IncrementalSnapshotContext [windowOpened=false, dataCollectionsToSnapshot=[]]], but this is no longer available"
            + " on the server. Reconfigure the connector to use a snapshot mode when needed.";

    @Test
    void anOffsetContextDumpIsCutAndTheCauseNotRepeated() {
        RuntimeException failure = new RuntimeException("The Debezium engine stopped: " + DEBEZIUM,
                new IllegalStateException(DEBEZIUM));

        String message = Stages.rootMessage(failure);

        assertThat(message).isEqualTo("The Debezium engine stopped: The connector is trying to read change stream starting at"
                + " PostgresOffsetContext [...], but this is no longer available on the server. Reconfigure the connector to use"
                + " a snapshot mode when needed.");
    }

    @Test
    void shortBracketsAndADifferentCauseStay() {
        RuntimeException failure = new RuntimeException("sending to [sluice.public.orders] failed",
                new IllegalStateException("broker down"));

        assertThat(Stages.rootMessage(failure))
                .isEqualTo("sending to [sluice.public.orders] failed (IllegalStateException: broker down)");
    }
}
