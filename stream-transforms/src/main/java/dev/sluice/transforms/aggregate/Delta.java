package dev.sluice.transforms.aggregate;

import java.nio.ByteBuffer;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One row going into ({@code sign} 1) or out of ({@code sign} -1) a (window, group), on its way from the row
 * table to the group's state. The row and its key travel along so a change too late for its window can be sent
 * to {@code <pipeline>.late} as the row it was.
 */
record Delta(int sign, GenericRecord rowKey, GenericRecord row) {

    /** Written as sign, key length, key bytes, row bytes, with the pipeline's own key and value serdes. */
    static Serde<Delta> serde(Serde<GenericRecord> keySerde, Serde<GenericRecord> valueSerde) {
        Serializer<Delta> serializer = (topic, delta) -> {
            if (delta == null) {
                return null;
            }
            byte[] key = keySerde.serializer().serialize(topic, delta.rowKey);
            byte[] row = valueSerde.serializer().serialize(topic, delta.row);
            int keyLength = key == null ? -1 : key.length;
            return ByteBuffer.allocate(1 + 4 + Math.max(keyLength, 0) + row.length).put((byte) delta.sign)
                    .putInt(keyLength).put(key == null ? new byte[0] : key).put(row).array();
        };
        Deserializer<Delta> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer in = ByteBuffer.wrap(bytes);
            int sign = in.get();
            int keyLength = in.getInt();
            byte[] key = null;
            if (keyLength >= 0) {
                key = new byte[keyLength];
                in.get(key);
            }
            byte[] row = new byte[in.remaining()];
            in.get(row);
            return new Delta(sign, key == null ? null : keySerde.deserializer().deserialize(topic, key),
                    valueSerde.deserializer().deserialize(topic, row));
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
