package dev.sluice.ingest.publish;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SourceCommitTimeTest {

    private static final Schema SOURCE = SchemaBuilder.struct().name("source")
            .field("ts_ms", Schema.INT64_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("Envelope")
            .field("op", Schema.STRING_SCHEMA).field("source", SOURCE).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    @Test
    void commitTimeIsSourceTsMsNotTheEnvelopeProcessingTime() {
        Struct value = new Struct(ENVELOPE).put("op", "c").put("ts_ms", 2000L)
                .put("source", new Struct(SOURCE).put("ts_ms", 1000L));
        SourceRecord record = new SourceRecord(Map.of(), Map.of(), "t", null, null, null, ENVELOPE, value, 3000L);
        assertThat(SourceCommitTime.of(record)).isEqualTo(1000L);
    }

    @Test
    void recordWithoutEnvelopeFallsBackToItsTimestamp() {
        SourceRecord heartbeat = new SourceRecord(Map.of(), Map.of(), "t", null, null, null, Schema.STRING_SCHEMA, "x", 3000L);
        assertThat(SourceCommitTime.of(heartbeat)).isEqualTo(3000L);
    }
}
