package dev.sluice.ingest.values;

import io.debezium.spi.converter.CustomConverter;
import io.debezium.spi.converter.RelationalColumn;
import org.apache.kafka.connect.data.SchemaBuilder;

import java.util.Locale;
import java.util.Properties;

/**
 * Carries {@code bit(n)} and {@code bit varying} values as their PostgreSQL text, a string of '0' and '1' such as
 * {@code 00101}. Debezium's own mapping ({@code io.debezium.data.Bits}: the bits packed into bytes, bit(1) as a
 * boolean) drops a value's length and its leading zeros, so {@code B'0001'} and {@code B'1'} arrive alike. The text
 * keeps both; {@link SourceTypes} tags the field with the column's type, so a PostgreSQL warehouse stores it as
 * that type again.
 */
public final class BitStringConverter implements CustomConverter<SchemaBuilder, RelationalColumn> {

    /** The name this converter has in Debezium's {@code converters} setting. */
    public static final String NAME = "sluicebits";

    @Override
    public void configure(Properties props) {
    }

    @Override
    public void converterFor(RelationalColumn column, ConverterRegistration<SchemaBuilder> registration) {
        if (!isBitString(column.typeName())) {
            return;
        }
        SchemaBuilder schema = SchemaBuilder.string();
        if (column.isOptional()) {
            schema.optional();
        }
        registration.register(schema, value -> value != null ? text(value) : absent(column, schema));
    }

    static boolean isBitString(String typeName) {
        String type = typeName == null ? "" : typeName.toLowerCase(Locale.ROOT);
        return type.equals("bit") || type.equals("varbit") || type.equals("bit varying");
    }

    /**
     * The value as PostgreSQL prints it: streamed and read values come as that text (the driver's PGobject for
     * varbit); a bit(1) read as a boolean becomes its one bit.
     */
    static String text(Object value) {
        if (value instanceof Boolean b) {
            return b ? "1" : "0";
        }
        String text = value.toString();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '0' && c != '1') {
                throw new IllegalArgumentException("'" + text + "' is not a bit string (only 0 and 1)");
            }
        }
        return text;
    }

    /** A required column the source did not send (a delete's old row holds only the key): its default, else empty. */
    private static Object absent(RelationalColumn column, SchemaBuilder schema) {
        if (column.isOptional()) {
            return null;
        }
        return schema.defaultValue() != null ? schema.defaultValue() : "";
    }
}
