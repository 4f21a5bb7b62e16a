package dev.sluice.transforms.row;

import java.nio.ByteBuffer;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A row with its own key, as the value of a record keyed by something else (a group, a foreign key) on its way
 * through a repartition topic, so the row can come out under its key again.
 */
public record KeyedRow(GenericRecord key, GenericRecord row) {

    /** Key length (-1 for a null key), key bytes, row bytes, written with the pipeline's key and value serdes. */
    public static Serde<KeyedRow> serde(Serde<GenericRecord> keySerde, Serde<GenericRecord> valueSerde) {
        Serializer<KeyedRow> serializer = (topic, keyed) -> {
            if (keyed == null) {
                return null;
            }
            byte[] key = keyed.key == null ? null : keySerde.serializer().serialize(topic, keyed.key);
            byte[] row = valueSerde.serializer().serialize(topic, keyed.row);
            return ByteBuffer.allocate(4 + (key == null ? 0 : key.length) + row.length)
                    .putInt(key == null ? -1 : key.length).put(key == null ? new byte[0] : key).put(row).array();
        };
        Deserializer<KeyedRow> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer in = ByteBuffer.wrap(bytes);
            int keyLength = in.getInt();
            GenericRecord key = null;
            if (keyLength >= 0) {
                byte[] keyBytes = new byte[keyLength];
                in.get(keyBytes);
                key = keySerde.deserializer().deserialize(topic, keyBytes);
            }
            byte[] row = new byte[in.remaining()];
            in.get(row);
            return new KeyedRow(key, valueSerde.deserializer().deserialize(topic, row));
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
