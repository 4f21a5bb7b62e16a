package dev.sluice.ingest.publish;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class IncrementalReadPositionTest {

    private static final Schema SOURCE = SchemaBuilder.struct()
            .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA).field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().field("source", SOURCE).build();

    @Test
    void aBackfillReadTakesTheStreamPositionItWasEmittedAt() {
        SourceRecord read = record(null, 4242L);
        IncrementalReadPosition.stamp(read);
        assertThat(((Struct) read.value()).getStruct("source").getInt64("lsn")).isEqualTo(4242L);
    }

    @Test
    void anLsnAlreadyThereIsKept() {
        SourceRecord read = record(100L, 4242L);
        IncrementalReadPosition.stamp(read);
        assertThat(((Struct) read.value()).getStruct("source").getInt64("lsn")).isEqualTo(100L);
    }

    private static SourceRecord record(Long lsn, long offsetLsn) {
        Struct value = new Struct(ENVELOPE).put("source", new Struct(SOURCE).put("snapshot", "incremental").put("lsn", lsn));
        return new SourceRecord(Map.of("server", "shop"), Map.of("lsn", offsetLsn), "shop.public.big", ENVELOPE, value);
    }
}
