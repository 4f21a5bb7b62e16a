package dev.sluice.ingest.values;

import java.util.List;

/**
 * The PostgreSQL types whose change-event fields carry the source column's type, through Debezium's own
 * {@code datatype.propagate.source.type}: the field schema gets the parameters {@code __debezium.source.column.type}
 * (e.g. {@code VARBIT}) and {@code __debezium.source.column.length} (e.g. 16). These are the types whose value
 * travels as a string or decimal that does not say what it was (a bit string, a range, json or jsonb, money): with
 * the tag a PostgreSQL warehouse creates the column with the source's own type. Parameters are plain schema
 * metadata, so any registry client still reads the field as a string or decimal.
 */
public final class SourceTypes {

    static final List<String> TAGGED = List.of("bit", "varbit", "json", "jsonb", "money",
            "int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange");

    private SourceTypes() {
    }

    /** Debezium matches each pattern against {@code <schema>.<table>.<type name>}. */
    public static String propagatePatterns() {
        return ".+\\.(" + String.join("|", TAGGED) + ")";
    }
}
