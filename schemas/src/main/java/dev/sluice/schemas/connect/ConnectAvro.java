package dev.sluice.schemas.connect;

/**
 * The Avro properties that carry what Avro cannot say about a Connect schema, so that
 * Connect -> Avro -> Connect returns an equal schema (Debezium's semantic types included).
 */
public final class ConnectAvro {

    /** Connect schema name, e.g. {@code io.debezium.time.MicroTimestamp}. */
    public static final String NAME = "connect.name";
    /** Connect schema version (int). */
    public static final String VERSION = "connect.version";
    /** Connect schema doc. */
    public static final String DOC = "connect.doc";
    /** Connect schema parameters, a string-to-string map. */
    public static final String PARAMETERS = "connect.parameters";
    /** Connect type Avro has no own type for: {@code int8}, {@code int16}, or {@code map} on an array of entries. */
    public static final String TYPE = "connect.type";
    /** On a record field whose Avro name had to be sanitised: the Connect field name. */
    public static final String FIELD_NAME = "connect.field.name";

    /** Connect parameter (Debezium, Confluent) holding a decimal's precision. */
    public static final String DECIMAL_PRECISION = "connect.decimal.precision";
    /**
     * Precision written for a Connect Decimal that carries no {@value #DECIMAL_PRECISION} parameter:
     * Connect decimals have a scale only, Avro requires a precision; 64 covers PostgreSQL
     * {@code numeric} without declared precision in practice.
     */
    public static final int DEFAULT_DECIMAL_PRECISION = 64;

    /** Namespace of the records we must invent names for (unnamed structs, map entries). */
    static final String NAMESPACE = "dev.sluice.connect";
    static final String UNNAMED_STRUCT = "ConnectDefault";
    static final String MAP_ENTRY = "MapEntry";

    private ConnectAvro() {
    }

    /** {@code text} as a valid Avro name: letters, digits and '_', not starting with a digit. */
    static String sanitize(String text) {
        StringBuilder out = new StringBuilder(text.length() + 1);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            if (!ok && i == 0 && c >= '0' && c <= '9') {
                out.append('_').append(c);
            } else {
                out.append(ok ? c : '_');
            }
        }
        return out.length() == 0 ? "_" : out.toString();
    }

    /** {@code fullName} as a valid Avro full name: each dot-separated part sanitised, empty parts dropped. */
    static String sanitizeFullName(String fullName) {
        StringBuilder out = new StringBuilder(fullName.length());
        for (String part : fullName.split("\\.")) {
            if (!part.isEmpty()) {
                if (out.length() > 0) {
                    out.append('.');
                }
                out.append(sanitize(part));
            }
        }
        return out.length() == 0 ? "_" : out.toString();
    }
}
