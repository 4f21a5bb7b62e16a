package dev.sluice.sink.dialect.postgres;

import java.math.BigDecimal;
import java.util.HexFormat;

/**
 * Writes converted values as PostgreSQL COPY CSV fields: NULL is an empty unquoted field, every present value is
 * quoted (so an empty string stays distinct from NULL), bytes use bytea's hex form, and date/time values their ISO
 * form, which PostgreSQL's input functions read.
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
        String text;
        if (value instanceof byte[] b) {
            text = "\\x" + HEX.formatHex(b);
        } else if (value instanceof BigDecimal d) {
            text = d.toPlainString();
        } else if (value instanceof Boolean b) {
            text = b ? "t" : "f";
        } else {
            text = value.toString(); // numbers, UUID, java.time values: their toString is what PostgreSQL parses
        }
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                out.append('"');
            }
            out.append(c);
        }
        out.append('"');
    }
}
