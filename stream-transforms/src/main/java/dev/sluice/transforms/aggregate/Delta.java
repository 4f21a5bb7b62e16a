package dev.sluice.transforms.aggregate;

import dev.sluice.transforms.row.KeyedRow;
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

    /** The sign byte, then the {@link KeyedRow}. */
    static Serde<Delta> serde(Serde<GenericRecord> keySerde, Serde<GenericRecord> valueSerde) {
        Serde<KeyedRow> rows = KeyedRow.serde(keySerde, valueSerde);
        Serializer<Delta> serializer = (topic, delta) -> {
            if (delta == null) {
                return null;
            }
            byte[] row = rows.serializer().serialize(topic, new KeyedRow(delta.rowKey, delta.row));
            return ByteBuffer.allocate(1 + row.length).put((byte) delta.sign).put(row).array();
        };
        Deserializer<Delta> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            byte[] row = new byte[bytes.length - 1];
            System.arraycopy(bytes, 1, row, 0, row.length);
            KeyedRow keyed = rows.deserializer().deserialize(topic, row);
            return new Delta(bytes[0], keyed.key(), keyed.row());
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
