package dev.sluice.sink.dialect.postgres;

import java.math.BigDecimal;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes converted values as PostgreSQL COPY CSV fields: NULL is an empty unquoted field, every other present value
 * but a plain number is quoted (so an empty string stays distinct from NULL), bytes use
 * bytea's hex form, and date/time values their ISO form, which PostgreSQL's input functions read. Arrays use PostgreSQL's array literal, every item quoted.
 */
final class CopyCsv {
    private static final HexFormat HEX = HexFormat.of();

    private CopyCsv() {
    }

    static void appendRow(StringBuilder out, Object[] row) {
        for (int i = 0; i < row.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            appendField(out, row[i]);
        }
        out.append('\n');
    }

    static void appendField(StringBuilder out, Object value) {
        if (value == null) {
            return;
        }
        // integers and floats never contain a quote, comma or newline: no quoting needed, and no String on the way
        if (value instanceof Long n) {
            out.append(n.longValue());
            return;
        }
        if (value instanceof Integer n) {
            out.append(n.intValue());
            return;
        }
        if (value instanceof Number && !(value instanceof BigDecimal)) {
            out.append(value);
            return;
        }
        if (value instanceof Boolean b) {
            out.append(b ? "\"t\"" : "\"f\"");
            return;
        }
        if (value instanceof String text) {
            appendQuoted(out, text);
            return;
        }
        String text;
        if (value instanceof byte[] b) {
            text = "\\x" + HEX.formatHex(b);
        } else if (value instanceof BigDecimal d) {
            text = d.toPlainString();
        } else if (value instanceof List<?> items) {
            text = arrayLiteral(items);
        } else {
            text = value.toString(); // UUID, java.time values: their toString is what PostgreSQL parses
        }
        appendQuoted(out, text);
    }

    private static void appendQuoted(StringBuilder out, String text) {
        out.append('"');
        if (text.indexOf('"') < 0) {
            out.append(text);
        } else {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '"') {
                    out.append('"');
                }
                out.append(c);
            }
        }
        out.append('"');
    }

    /** {@code {"a",NULL,"b\\"c"}}: quoting every item keeps "NULL", commas and braces inside text as text. */
    static String arrayLiteral(List<?> items) {
        StringBuilder out = new StringBuilder("{");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            Object item = items.get(i);
            if (item == null) {
                out.append("NULL");
                continue;
            }
            String text = item instanceof BigDecimal d ? d.toPlainString() : item.toString();
            out.append('"');
            for (int j = 0; j < text.length(); j++) {
                char c = text.charAt(j);
                if (c == '"' || c == '\\') {
                    out.append('\\');
                }
                out.append(c);
            }
            out.append('"');
        }
        return out.append('}').toString();
    }
}
