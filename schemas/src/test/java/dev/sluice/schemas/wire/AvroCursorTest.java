package dev.sluice.schemas.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

class AvroCursorTest {

    private static final Schema SCHEMA = new Schema.Parser().parse("""
            {"type":"record","name":"All","fields":[
              {"name":"n","type":"null"},
              {"name":"flag","type":"boolean"},
              {"name":"i","type":"int"},
              {"name":"l","type":"long"},
              {"name":"f","type":"float"},
              {"name":"d","type":"double"},
              {"name":"s","type":"string"},
              {"name":"b","type":"bytes"},
              {"name":"u","type":["null","string","long"]},
              {"name":"tags","type":{"type":"array","items":"string"}},
              {"name":"attrs","type":{"type":"map","values":"long"}},
              {"name":"hash","type":{"type":"fixed","name":"Hash","size":3}},
              {"name":"mood","type":{"type":"enum","name":"Mood","symbols":["ok","sad"]}},
              {"name":"inner","type":{"type":"record","name":"Inner","fields":[{"name":"x","type":"int"}]}},
              {"name":"last","type":"long"}]}""");

    @Test
    void skipsEveryTypeToTheByteWhereTheNextValueStarts() throws Exception {
        byte[] bytes = encode(record(Long.MIN_VALUE));
        AvroCursor cursor = new AvroCursor(bytes, 0, bytes.length);
        for (Schema.Field field : SCHEMA.getFields()) {
            if (field.name().equals("last")) {
                assertThat(cursor.readLong()).isEqualTo(Long.MIN_VALUE);
            } else {
                cursor.skip(field.schema());
            }
        }
        assertThat(cursor.atEnd()).isTrue();

        AvroCursor whole = new AvroCursor(bytes, 0, bytes.length);
        whole.skip(SCHEMA);
        assertThat(whole.position()).isEqualTo(bytes.length);

        // arrays and maps in blocks that carry their byte size (a negative count), as a blocking encoder writes them
        byte[] blocked = encode(record(5), EncoderFactory.get().blockingBinaryEncoder(new ByteArrayOutputStream(), null));
        assertThat(blocked).as("sized blocks are a different encoding").isNotEqualTo(bytes);
        AvroCursor sized = new AvroCursor(blocked, 0, blocked.length);
        sized.skip(SCHEMA);
        assertThat(sized.atEnd()).isTrue();
    }

    @Test
    void readsLongsIntsStringsAndBranchesAsAvroWroteThem() throws Exception {
        for (long value : new long[] {0, 1, -1, 63, -64, 64, Integer.MAX_VALUE, Long.MAX_VALUE, Long.MIN_VALUE}) {
            byte[] bytes = encode(record(value));
            AvroCursor cursor = new AvroCursor(bytes, 0, bytes.length);
            SCHEMA.getFields().stream().filter(f -> !f.name().equals("last")).forEach(f -> cursor.skip(f.schema()));
            assertThat(cursor.readLong()).isEqualTo(value);
        }
    }

    @Test
    void bytesThatEndEarlyOrCarryABadUnionIndexFailWithAWireFormatError() throws Exception {
        byte[] bytes = encode(record(7));
        for (int cut = 0; cut < bytes.length; cut++) {
            byte[] truncated = Arrays.copyOf(bytes, cut);
            assertThatThrownBy(() -> new AvroCursor(truncated, 0, truncated.length).skip(SCHEMA))
                    .isInstanceOf(WireFormatException.class)
                    .hasMessageContaining("not Avro of the writer schema");
        }
        Schema union = new Schema.Parser().parse("[\"null\",\"long\"]");
        byte[] badBranch = {4}; // index 2 of a two-branch union
        assertThatThrownBy(() -> new AvroCursor(badBranch, 0, 1).skip(union))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("union index 2 is out of range");
    }

    private static GenericData.Record record(long last) {
        GenericData.Record r = new GenericData.Record(SCHEMA);
        r.put("flag", true);
        r.put("i", -12345);
        r.put("l", 1L << 40);
        r.put("f", 1.25f);
        r.put("d", -3.5);
        r.put("s", "é ✓");
        r.put("b", ByteBuffer.wrap(new byte[] {1, 2, 3, 4}));
        r.put("u", 99L);
        r.put("tags", List.of("a", "bb", ""));
        r.put("attrs", Map.of("k", 1L, "m", -2L));
        r.put("hash", new GenericData.Fixed(SCHEMA.getField("hash").schema(), new byte[] {9, 8, 7}));
        r.put("mood", new GenericData.EnumSymbol(SCHEMA.getField("mood").schema(), "sad"));
        GenericData.Record inner = new GenericData.Record(SCHEMA.getField("inner").schema());
        inner.put("x", 5);
        r.put("inner", inner);
        r.put("last", last);
        return r;
    }

    private static byte[] encode(GenericData.Record record) throws Exception {
        return encode(record, null);
    }

    /** With {@code blocking} (a blocking encoder on a fresh stream), arrays and maps are written in sized blocks. */
    private static byte[] encode(GenericData.Record record, BinaryEncoder blocking) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = blocking == null ? EncoderFactory.get().directBinaryEncoder(out, null)
                : EncoderFactory.get().blockingBinaryEncoder(out, null);
        new GenericDatumWriter<GenericData.Record>(SCHEMA).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
