package dev.sluice.sink.dialect;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * PostgreSQL types a field names in Debezium's source-type parameters ({@code datatype.propagate.source.type}, which
 * cdc-ingest sets for them) and whose value arrives as its text: bit strings (cdc-ingest's bit converter), ranges and
 * json and jsonb. A PostgreSQL warehouse stores each as that type, so the value is the source's exactly; DuckDB has none of
 * them but BIT and JSON, so ranges and varbit land in VARCHAR. Only these names reach DDL: any other type stays text.
 */
public final class SourceTypes {
    public static final String TYPE = "__debezium.source.column.type";
    public static final String LENGTH = "__debezium.source.column.length";
    /** PostgreSQL's longest bit string; Debezium reports an unconstrained varbit with a larger or no length. */
    private static final int MAX_BIT_LENGTH = 83_886_080;
    private static final Set<String> RANGES = Set.of("int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange");

    private SourceTypes() {
    }

    /** The source's type for a text field, as PostgreSQL spells it ({@code BIT(5)}, {@code VARBIT}, ...), or null. */
    static String ofText(Map<String, String> parameters) {
        String type = type(parameters);
        if (type == null) {
            return null;
        }
        int length = length(parameters);
        return switch (type) {
            case "bit" -> length > 0 && length <= MAX_BIT_LENGTH ? "BIT(" + length + ")" : "VARBIT";
            case "varbit", "bit varying" -> length > 0 && length < MAX_BIT_LENGTH ? "VARBIT(" + length + ")" : "VARBIT";
            case "json" -> "JSON";
            case "jsonb" -> "JSONB";
            default -> RANGES.contains(type) ? type.toUpperCase(Locale.ROOT) : null;
        };
    }

    /** Whether the field is PostgreSQL's {@code money}: a decimal of at most 19 digits (an int64 of cents). */
    static boolean isMoney(Map<String, String> parameters) {
        return "money".equals(type(parameters));
    }

    /**
     * DuckDB's nearest type: BIT for bit(n), JSON, else VARCHAR holding the PostgreSQL text. A varbit may be empty,
     * which DuckDB's BIT refuses, so it stays text.
     */
    public static String duckDb(String source) {
        if (source.startsWith("BIT(")) {
            return "BIT";
        }
        return source.equals("JSON") || source.equals("JSONB") ? "JSON" : "VARCHAR";
    }

    static boolean isJson(ColumnType type) {
        return type.kind() == ColumnType.Kind.SOURCE_TEXT && (type.source().equals("JSON") || type.source().equals("JSONB"));
    }

    private static String type(Map<String, String> parameters) {
        String type = parameters == null ? null : parameters.get(TYPE);
        return type == null ? null : type.toLowerCase(Locale.ROOT);
    }

    private static int length(Map<String, String> parameters) {
        try {
            return Integer.parseInt(parameters.getOrDefault(LENGTH, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
