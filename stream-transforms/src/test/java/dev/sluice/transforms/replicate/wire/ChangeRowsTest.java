package dev.sluice.transforms.replicate.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.schemas.serde.GenericAvroSerde;
import dev.sluice.schemas.wire.WireFormatException;
import dev.sluice.transforms.dedupe.ChangeEventId;
import dev.sluice.transforms.testkit.Envelopes;
import dev.sluice.transforms.testkit.InMemorySchemaRegistry;
import dev.sluice.transforms.unwrap.ChangeUnwrapper;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

/**
 * The byte path of the replication pipeline gives, byte for byte, what decoding the envelope, unwrapping it with
 * {@link ChangeUnwrapper} and encoding the row gives; its event ids are {@link ChangeEventId}'s; and what it does not
 * cover fails, or is handled, as the decoding path does.
 */
class ChangeRowsTest {

    private static final String IN = "sluice.public.orders";
    private static final String OUT = "replica.public.orders";

    private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
    private final GenericAvroSerde keys = new GenericAvroSerde(schemas, true);
    private final GenericAvroSerde values = new GenericAvroSerde(schemas, false);
    private final ReplicationSerdes serdes = ReplicationSerdes.of(schemas);
    private final ChangeRows rows = new ChangeRows();
    private final ChangeUnwrapper unwrapper = new ChangeUnwrapper();
    private final Envelopes orders = Envelopes.forTable("public", "orders");

    @Test
    void rowsAreByteForByteWhatDecodingUnwrappingAndEncodingGive() {
        long t = 1_700_000_000_000L;
        List<GenericRecord> envelopes = List.of(
                orders.insert(1, "10.00", 100L, t),
                orders.update(1, "10.00", "-11.25", 200L, t + 1),
                orders.delete(1, "11.00", 300L, t + 2),
                orders.envelope("r", null, orders.row(7, "0.00", "snap", 0L), 0L, 0L),
                orders.envelope("u", null, orders.row(Integer.MIN_VALUE, "99999999.99", "é ✓ 漢字", Long.MIN_VALUE),
                        Long.MAX_VALUE, -1L));
        for (GenericRecord envelope : envelopes) {
            assertSameRow(envelope);
        }
    }

    @Test
    void randomEnvelopesGiveTheSameRowsAndIds() {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            String op = List.of("c", "u", "d", "r").get(random.nextInt(4));
            GenericRecord image = orders.row(random.nextInt(), random.nextInt(2_000_000) - 1_000_000 + "." + random.nextInt(10)
                    + random.nextInt(10), random.nextBoolean() ? null : "n" + random.nextLong(), random.nextLong());
            GenericRecord other = orders.row(random.nextInt(), "1.00", null, random.nextLong());
            long lsn = random.nextBoolean() ? random.nextLong() : random.nextInt(1 << 20);
            GenericRecord envelope = switch (op) {
                case "d" -> orders.envelope(op, image, null, lsn, random.nextLong());
                case "u" -> orders.envelope(op, other, image, lsn, random.nextLong());
                default -> orders.envelope(op, null, image, lsn, random.nextLong());
            };
            assertSameRow(envelope);
            GenericRecord key = orders.key((Integer) image.get("id"));
            assertThat(new ChangeBytesEventId().eventId(IN, keys.serializer().serialize(IN, key), read(envelope)))
                    .isEqualTo(new ChangeEventId().eventId(IN, key, envelope));
        }
    }

    @Test
    void everyAvroTypeInTheImageIsCopiedWhole() {
        Schema value = new Schema.Parser().parse("""
                {"type":"record","name":"Value","namespace":"sluice.public.kinds","fields":[
                  {"name":"id","type":"long"},
                  {"name":"flag","type":"boolean"},
                  {"name":"f","type":"float"},
                  {"name":"d","type":"double"},
                  {"name":"b","type":["null","bytes"]},
                  {"name":"tags","type":{"type":"array","items":"string"}},
                  {"name":"attrs","type":{"type":"map","values":["null","long"]}},
                  {"name":"hash","type":{"type":"fixed","name":"Hash","size":4}},
                  {"name":"mood","type":{"type":"enum","name":"Mood","symbols":["ok","sad"]}},
                  {"name":"nested","type":{"type":"record","name":"Point","fields":[{"name":"x","type":"int"}]}}]}""");
        Schema envelopeSchema = envelope(value, value);
        GenericData.Record row = new GenericData.Record(value);
        row.put("id", 5L);
        row.put("flag", true);
        row.put("f", 1.5f);
        row.put("d", -2.25);
        row.put("b", ByteBuffer.wrap(new byte[] {1, 2, 3}));
        row.put("tags", List.of("a", "", "ccc"));
        row.put("attrs", Map.of("k", 1L, "n", 2L));
        row.put("hash", new GenericData.Fixed(value.getField("hash").schema(), new byte[] {9, 8, 7, 6}));
        row.put("mood", new GenericData.EnumSymbol(value.getField("mood").schema(), "sad"));
        GenericData.Record point = new GenericData.Record(value.getField("nested").schema());
        point.put("x", -3);
        row.put("nested", point);

        assertSameRow(envelopeOf(envelopeSchema, "c", null, row, 10L, 20L));
        assertSameRow(envelopeOf(envelopeSchema, "d", row, null, 11L, 21L));
    }

    @Test
    void imagesWhoseSchemaIsNotTheRowsColumnsTakeTheDecodingPath() {
        Schema after = new Schema.Parser().parse("""
                {"type":"record","name":"Value","namespace":"sluice.public.odd","fields":[
                  {"name":"id","type":"int"},{"name":"note","type":"string"}]}""");
        Schema before = new Schema.Parser().parse("""
                {"type":"record","name":"Before","namespace":"sluice.public.odd","fields":[
                  {"name":"note","type":"string"},{"name":"id","type":"int"}]}""");
        Schema envelopeSchema = envelope(before, after);
        GenericData.Record old = new GenericData.Record(before);
        old.put("note", "was");
        old.put("id", 4);

        GenericRecord delete = envelopeOf(envelopeSchema, "d", old, null, 12L, 22L);
        ChangeBytes change = read(delete);

        assertThat(change.layout().imagesCopyAsRows()).isFalse();
        assertSameRow(delete);
    }

    @Test
    void envelopesBreakingTheContractFailWithTheDecodingPathsError() {
        GenericRecord truncate = orders.envelope("t", null, null, 100L, 1L);
        assertThatThrownBy(() -> rows.unwrap(read(truncate)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(messageOf(() -> unwrapper.unwrap(truncate)));

        GenericRecord noImage = orders.envelope("c", null, null, 100L, 1L);
        assertThatThrownBy(() -> rows.unwrap(read(noImage))).hasMessage(messageOf(() -> unwrapper.unwrap(noImage)));

        GenericRecord noLsn = orders.insert(1, "1.00", 100L, 1L);
        ((GenericRecord) noLsn.get("source")).put("lsn", null);
        assertThatThrownBy(() -> new ChangeBytesEventId().eventId(IN, null, read(noLsn)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(messageOf(() -> new ChangeEventId().eventId(IN, null, noLsn)));
        assertThatThrownBy(() -> rows.unwrap(read(noLsn))).hasMessage(messageOf(() -> unwrapper.unwrap(noLsn)));
    }

    @Test
    void bytesThatAreNotAvroOfTheirSchemaFailToDeserialize() {
        byte[] framed = values.serializer().serialize(IN, orders.insert(1, "10.00", 100L, 1L));
        byte[] truncated = Arrays.copyOf(framed, framed.length - 3);
        byte[] longer = Arrays.copyOf(framed, framed.length + 1);

        assertThatThrownBy(() -> serdes.changes().deserializer().deserialize(IN, truncated))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("not Avro of the writer schema");
        assertThatThrownBy(() -> serdes.changes().deserializer().deserialize(IN, longer))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("bytes left");
        assertThatThrownBy(() -> serdes.changes().deserializer().deserialize(IN, "garbage".getBytes()))
                .isInstanceOf(WireFormatException.class).hasMessageContaining("magic byte");
        byte[] key = keys.serializer().serialize(IN, orders.key(1));
        assertThatThrownBy(() -> serdes.keys().deserializer().deserialize(IN, Arrays.copyOf(key, key.length + 2)))
                .isInstanceOf(WireFormatException.class);
    }

    @Test
    void keysAreWrittenUnderTheOutputTopicsSubjectAsTheDecodingSerdeWrites() {
        byte[] key = keys.serializer().serialize(IN, orders.key(3));

        assertThat(serdes.keys().serializer().serialize(OUT, serdes.keys().deserializer().deserialize(IN, key)))
                .isEqualTo(keys.serializer().serialize(OUT, orders.key(3)));
        assertThat(schemas.subjects()).contains(OUT + "-key");
    }

    private void assertSameRow(GenericRecord envelope) {
        byte[] expected = values.serializer().serialize(OUT, unwrapper.unwrap(envelope));
        byte[] actual = serdes.rows().serializer().serialize(OUT, rows.unwrap(read(envelope)));
        assertThat(actual).as("row of %s", envelope).isEqualTo(expected);
    }

    private ChangeBytes read(GenericRecord envelope) {
        return serdes.changes().deserializer().deserialize(IN, values.serializer().serialize(IN, envelope));
    }

    private static String messageOf(Runnable decodingPath) {
        try {
            decodingPath.run();
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        throw new AssertionError("the decoding path did not fail");
    }

    private Schema envelope(Schema before, Schema after) {
        return Schema.createRecord("Envelope", null, after.getNamespace(), false, List.of(
                new Schema.Field("before", Schema.createUnion(Schema.create(Schema.Type.NULL), before)),
                new Schema.Field("after", Schema.createUnion(Schema.create(Schema.Type.NULL), after)),
                new Schema.Field("source", orders.sourceSchema),
                new Schema.Field("op", Schema.create(Schema.Type.STRING))));
    }

    private GenericRecord envelopeOf(Schema schema, String op, GenericRecord before, GenericRecord after, long lsn,
                                     long tsMs) {
        GenericRecord source = orders.envelope(op, null, null, lsn, tsMs).get("source") instanceof GenericRecord s
                ? s : null;
        GenericData.Record envelope = new GenericData.Record(schema);
        envelope.put("before", before);
        envelope.put("after", after);
        envelope.put("source", source);
        envelope.put("op", op);
        return envelope;
    }
}
