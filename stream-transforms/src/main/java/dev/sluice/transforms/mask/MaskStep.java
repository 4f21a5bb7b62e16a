package dev.sluice.transforms.mask;

import dev.sluice.transforms.row.Fields;
import dev.sluice.transforms.row.Reshape;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * The {@code mask} step (processor {@code <name>}): applies a {@link MaskRule} per column, leaving the other
 * columns as they are. A hashed column becomes a string column; a redacted non-text column becomes optional.
 * Truncate and keep-last apply to text columns only; on another type the row goes to the DLQ with a message
 * naming the column.
 */
public final class MaskStep {

    public static final String REDACTED = "REDACTED";
    private static final String HMAC = "HmacSHA256";

    private MaskStep() {
    }

    /**
     * @param salt the secret of {@link MaskRule.Hash}; required (at least 16 bytes) when a column is hashed
     */
    public static KStream<GenericRecord, GenericRecord> apply(KStream<GenericRecord, GenericRecord> rows, String name,
                                                              Map<String, MaskRule> rules, byte[] salt) {
        Map<String, MaskRule> byColumn = new LinkedHashMap<>(rules);
        boolean hashes = byColumn.values().stream().anyMatch(MaskRule.Hash.class::isInstance);
        if (hashes && (salt == null || salt.length < 16)) {
            throw new IllegalArgumentException("Step '" + name + "' hashes columns but its salt is "
                    + (salt == null ? "missing" : "shorter than 16 bytes") + "; set a long random secret.");
        }
        ThreadLocal<Mac> mac = hashes ? ThreadLocal.withInitial(() -> hmac(salt)) : null;
        Reshape reshape = new Reshape(schema -> {
            for (String column : byColumn.keySet()) {
                if (schema.getField(column) == null) {
                    throw new IllegalArgumentException("Step '" + name + "' masks field '" + column + "', which "
                            + schema.getFullName() + " does not have; fix the field name in the pipeline spec.");
                }
            }
            List<Reshape.Column> columns = new ArrayList<>();
            for (Schema.Field in : schema.getFields()) {
                MaskRule rule = byColumn.get(in.name());
                int pos = in.pos();
                if (rule == null) {
                    columns.add(new Reshape.Column(Reshape.copy(in, in.name(), in.schema()), row -> row.get(pos)));
                } else {
                    columns.add(masked(name, in, rule, mac));
                }
            }
            return columns;
        });
        return rows.mapValues(reshape::apply, Named.as(name));
    }

    private static Reshape.Column masked(String step, Schema.Field in, MaskRule rule, ThreadLocal<Mac> mac) {
        boolean text = Fields.nonNull(in.schema()).getType() == Schema.Type.STRING;
        boolean nullable = Fields.isNullable(in.schema());
        String column = in.name();
        if (rule instanceof MaskRule.Hash) {
            Schema string = Schema.create(Schema.Type.STRING);
            Schema out = nullable ? Schema.createUnion(Schema.create(Schema.Type.NULL), string) : string;
            return column(in, out, row -> {
                String value = Fields.text(row, column, step);
                return value == null ? null
                        : HexFormat.of().formatHex(mac.get().doFinal(value.getBytes(StandardCharsets.UTF_8)));
            });
        }
        if (rule instanceof MaskRule.Redact) {
            if (text) {
                return column(in, in.schema(), row -> row.get(in.pos()) == null ? null : REDACTED);
            }
            Schema out = nullable ? in.schema() : Schema.createUnion(Schema.create(Schema.Type.NULL), in.schema());
            return column(in, out, row -> null);
        }
        if (!text) {
            throw new IllegalArgumentException("Step '" + step + "' truncates or keeps the end of field '" + column
                    + "', which is " + Fields.nonNull(in.schema()).getType() + ", not text; use hash or redact.");
        }
        Function<String, String> mask = rule instanceof MaskRule.Truncate t ? s -> truncate(s, t.length())
                : s -> keepLast(s, ((MaskRule.KeepLast) rule).count());
        return column(in, in.schema(), row -> {
            Object value = row.get(in.pos());
            return value == null ? null : mask.apply(value.toString());
        });
    }

    private static Reshape.Column column(Schema.Field in, Schema out, Function<GenericRecord, Object> value) {
        return new Reshape.Column(Reshape.copy(in, in.name(), out), value);
    }

    static String truncate(String value, int length) {
        int end = value.codePointCount(0, value.length()) <= length ? value.length()
                : value.offsetByCodePoints(0, length);
        return value.substring(0, end);
    }

    static String keepLast(String value, int count) {
        int points = value.codePointCount(0, value.length());
        if (points <= count) {
            return value;
        }
        int start = value.offsetByCodePoints(0, points - count);
        return "*".repeat(points - count) + value.substring(start);
    }

    private static Mac hmac(byte[] salt) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(salt, HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("This JVM has no " + HMAC + "; every Java 17 runtime should.", e);
        }
    }
}
