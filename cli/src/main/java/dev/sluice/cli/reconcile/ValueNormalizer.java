package dev.sluice.cli.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.HexFormat;

/**
 * Reads a value from either database as a comparable Java value chosen by the SOURCE column type,
 * so that PostgreSQL and DuckDB representations of the same value compare equal (values, not
 * strings: 1.50 equals 1.5, an instant equals itself in any zone).
 */
final class ValueNormalizer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ValueNormalizer() {
    }

    static Object read(ResultSet rs, int index, String sourceType) throws SQLException {
        String type = sourceType.toLowerCase();
        if (type.startsWith("numeric") || type.equals("bigint") || type.equals("integer") || type.equals("smallint")) {
            BigDecimal d = rs.getBigDecimal(index);
            return d == null ? null : d.stripTrailingZeros();
        }
        if (type.equals("real") || type.equals("double precision")) {
            double v = rs.getDouble(index);
            return rs.wasNull() ? null : v;
        }
        if (type.equals("boolean")) {
            boolean v = rs.getBoolean(index);
            return rs.wasNull() ? null : v;
        }
        if (type.equals("timestamp with time zone")) {
            OffsetDateTime t = rs.getObject(index, OffsetDateTime.class);
            return t == null ? null : t.toInstant();
        }
        if (type.startsWith("timestamp")) {
            return rs.getObject(index, LocalDateTime.class);
        }
        if (type.equals("date")) {
            return rs.getObject(index, LocalDate.class);
        }
        if (type.startsWith("time")) {
            return rs.getObject(index, LocalTime.class);
        }
        if (type.equals("bytea")) {
            byte[] b = rs.getBytes(index);
            return b == null ? null : HexFormat.of().formatHex(b);
        }
        if (type.equals("json") || type.equals("jsonb")) {
            String s = rs.getString(index);
            return s == null ? null : parseJson(s);
        }
        return rs.getString(index);
    }

    private static Object parseJson(String s) {
        try {
            JsonNode node = JSON.readTree(s);
            return node;
        } catch (Exception e) {
            return s;
        }
    }
}
