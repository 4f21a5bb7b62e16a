package dev.sluice.transforms.filter;

import dev.sluice.transforms.row.Fields;
import java.math.BigDecimal;
import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * A test on one top-level field. Values compare as numbers when both the field and the literal are numeric
 * ({@code 10}, {@code 10.0} and a decimal {@code 10.00} are equal), else as text. A null field matches only
 * {@link Op#IS_NULL}, and {@link Op#NOT_EQUALS} / {@link Op#NOT_IN} (it equals nothing).
 *
 * @param field  the field name
 * @param op     what to test
 * @param values the literals ({@code EQUALS}/{@code NOT_EQUALS}: one; {@code IN}/{@code NOT_IN}: any number;
 *               {@code IS_NULL}/{@code NOT_NULL}: none)
 */
public record Condition(String field, Op op, List<String> values) {

    public enum Op { EQUALS, NOT_EQUALS, IN, NOT_IN, IS_NULL, NOT_NULL }

    public Condition {
        values = List.copyOf(values);
    }

    public boolean test(GenericRecord row, String step) {
        String text = Fields.text(row, field, step);
        return switch (op) {
            case IS_NULL -> text == null;
            case NOT_NULL -> text != null;
            case EQUALS, IN -> text != null && anyEquals(row, text, step);
            case NOT_EQUALS, NOT_IN -> text == null || !anyEquals(row, text, step);
        };
    }

    private boolean anyEquals(GenericRecord row, String text, String step) {
        BigDecimal number = Fields.number(row, field, step);
        for (String literal : values) {
            if (literal.equals(text)) {
                return true;
            }
            if (number != null) {
                try {
                    if (new BigDecimal(literal).compareTo(number) == 0) {
                        return true;
                    }
                } catch (NumberFormatException notANumber) {
                    // a text literal never equals a number
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return switch (op) {
            case IS_NULL -> field + " is null";
            case NOT_NULL -> field + " is not null";
            case EQUALS -> field + " = " + values.get(0);
            case NOT_EQUALS -> field + " != " + values.get(0);
            case IN -> field + " in " + values;
            case NOT_IN -> field + " not in " + values;
        };
    }
}
