package dev.sluice.transforms.aggregate;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The running state of one group in one window: the row count and, per measure, the sum and the number of
 * non-null values. Everything here can be subtracted, which is what makes retraction exact: an update takes
 * the old row's contribution out and puts the new one in. (Min and max cannot be subtracted without keeping
 * every value, so they are not offered.)
 */
record Totals(long rows, double[] sums, long[] counts) {

    static Totals empty(int measures) {
        return new Totals(0, new double[measures], new long[measures]);
    }

    Totals plus(double[] values, int sign) {
        double[] newSums = sums.clone();
        long[] newCounts = counts.clone();
        for (int i = 0; i < values.length; i++) {
            if (!Double.isNaN(values[i])) {
                newSums[i] += sign * values[i];
                newCounts[i] += sign;
            }
        }
        return new Totals(rows + sign, newSums, newCounts);
    }

    static Serde<Totals> serde() {
        Serializer<Totals> serializer = (topic, totals) -> {
            if (totals == null) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.allocate(12 + totals.sums.length * 16);
            buffer.putLong(totals.rows).putInt(totals.sums.length);
            for (int i = 0; i < totals.sums.length; i++) {
                buffer.putDouble(totals.sums[i]).putLong(totals.counts[i]);
            }
            return buffer.array();
        };
        Deserializer<Totals> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            long rows = buffer.getLong();
            int n = buffer.getInt();
            double[] sums = new double[n];
            long[] counts = new long[n];
            for (int i = 0; i < n; i++) {
                sums[i] = buffer.getDouble();
                counts[i] = buffer.getLong();
            }
            return new Totals(rows, sums, counts);
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
