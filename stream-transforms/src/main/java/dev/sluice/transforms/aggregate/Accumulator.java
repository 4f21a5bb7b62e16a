package dev.sluice.transforms.aggregate;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The state of one group in one window. Everything in it can be taken back, which makes retraction exact: per
 * measure the exact decimal sum and the number of non-null values, and for min/max every value with its
 * multiplicity (a running minimum cannot forget the value an update or delete removes; the multiset can).
 * {@code emitted}: a row for this group already went out; {@code dirty}: it changed since the last row.
 */
final class Accumulator {

    long rows;
    /** Rows sent for this (window, group): the output's {@code __version}, so the sink keeps the newest. */
    long version;
    boolean emitted;
    boolean dirty;
    final BigDecimal[] sums;
    final long[] counts;
    /** Null for measures other than min/max. */
    final TreeMap<BigDecimal, Long>[] values;

    @SuppressWarnings("unchecked")
    private Accumulator(int measures) {
        sums = new BigDecimal[measures];
        counts = new long[measures];
        values = new TreeMap[measures];
        java.util.Arrays.fill(sums, BigDecimal.ZERO);
    }

    static Accumulator empty(Aggregation.Measure.Kind[] kinds) {
        Accumulator acc = new Accumulator(kinds.length);
        for (int i = 0; i < kinds.length; i++) {
            if (kinds[i] == Aggregation.Measure.Kind.MIN || kinds[i] == Aggregation.Measure.Kind.MAX) {
                acc.values[i] = new TreeMap<>();
            }
        }
        return acc;
    }

    /** Adds ({@code sign} 1) or takes back ({@code sign} -1) one row's values (null = no value). */
    void apply(BigDecimal[] row, int sign) {
        rows += sign;
        for (int i = 0; i < row.length; i++) {
            if (row[i] == null) {
                continue;
            }
            sums[i] = sign > 0 ? sums[i].add(row[i]) : sums[i].subtract(row[i]);
            counts[i] += sign;
            if (values[i] != null) {
                values[i].merge(row[i], (long) sign, Long::sum);
                if (values[i].get(row[i]) <= 0) {
                    values[i].remove(row[i]);
                }
            }
        }
        dirty = true;
    }

    Object result(int i, Aggregation.Measure.Kind kind) {
        return switch (kind) {
            case COUNT -> rows;
            case SUM -> sums[i].doubleValue();
            case AVG -> counts[i] == 0 ? null : sums[i].doubleValue() / counts[i];
            case MIN -> values[i].isEmpty() ? null : values[i].firstKey().doubleValue();
            case MAX -> values[i].isEmpty() ? null : values[i].lastKey().doubleValue();
        };
    }

    static Serde<Accumulator> serde() {
        Serializer<Accumulator> serializer = (topic, acc) -> acc == null ? null : write(acc);
        Deserializer<Accumulator> deserializer = (topic, bytes) -> bytes == null ? null : read(ByteBuffer.wrap(bytes));
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static byte[] write(Accumulator acc) {
        int size = 8 + 8 + 2 + 4;
        for (int i = 0; i < acc.sums.length; i++) {
            size += decimalSize(acc.sums[i]) + 8 + 1 + 4;
            if (acc.values[i] != null) {
                for (BigDecimal value : acc.values[i].keySet()) {
                    size += decimalSize(value) + 8;
                }
            }
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putLong(acc.rows).putLong(acc.version).put((byte) (acc.emitted ? 1 : 0)).put((byte) (acc.dirty ? 1 : 0))
                .putInt(acc.sums.length);
        for (int i = 0; i < acc.sums.length; i++) {
            putDecimal(out, acc.sums[i]);
            out.putLong(acc.counts[i]);
            out.put((byte) (acc.values[i] == null ? 0 : 1));
            out.putInt(acc.values[i] == null ? 0 : acc.values[i].size());
            if (acc.values[i] != null) {
                for (Map.Entry<BigDecimal, Long> value : acc.values[i].entrySet()) {
                    putDecimal(out, value.getKey());
                    out.putLong(value.getValue());
                }
            }
        }
        return out.array();
    }

    private static Accumulator read(ByteBuffer in) {
        long rows = in.getLong();
        long version = in.getLong();
        boolean emitted = in.get() == 1;
        boolean dirty = in.get() == 1;
        Accumulator acc = new Accumulator(in.getInt());
        acc.rows = rows;
        acc.version = version;
        acc.emitted = emitted;
        acc.dirty = dirty;
        for (int i = 0; i < acc.sums.length; i++) {
            acc.sums[i] = getDecimal(in);
            acc.counts[i] = in.getLong();
            boolean multiset = in.get() == 1;
            int n = in.getInt();
            if (multiset) {
                acc.values[i] = new TreeMap<>();
                for (int j = 0; j < n; j++) {
                    acc.values[i].put(getDecimal(in), in.getLong());
                }
            }
        }
        return acc;
    }

    private static int decimalSize(BigDecimal value) {
        return 4 + 4 + value.unscaledValue().toByteArray().length;
    }

    private static void putDecimal(ByteBuffer out, BigDecimal value) {
        byte[] unscaled = value.unscaledValue().toByteArray();
        out.putInt(value.scale()).putInt(unscaled.length).put(unscaled);
    }

    private static BigDecimal getDecimal(ByteBuffer in) {
        int scale = in.getInt();
        byte[] unscaled = new byte[in.getInt()];
        in.get(unscaled);
        return new BigDecimal(new BigInteger(unscaled), scale);
    }
}
