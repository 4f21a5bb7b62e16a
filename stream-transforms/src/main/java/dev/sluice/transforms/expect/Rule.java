package dev.sluice.transforms.expect;

import dev.sluice.transforms.row.Fields;
import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericRecord;

/**
 * A data-quality rule on one top-level field. Only {@link NotNull} fails on null: the others pass a null
 * (pair them with not-null to require a value), as a warehouse check would.
 */
public sealed interface Rule {

    String field();

    /** Whether {@code row} satisfies the rule; {@code step} names the step in errors. */
    boolean holds(GenericRecord row, String step);

    record NotNull(String field) implements Rule {
        @Override
        public boolean holds(GenericRecord row, String step) {
            return Fields.text(row, field, step) != null;
        }

        @Override
        public String toString() {
            return field + " not null";
        }
    }

    /** {@code min <= value <= max}; either bound may be null (open). */
    record Range(String field, BigDecimal min, BigDecimal max) implements Rule {
        @Override
        public boolean holds(GenericRecord row, String step) {
            if (Fields.text(row, field, step) == null) {
                return true;
            }
            BigDecimal value = Fields.number(row, field, step);
            if (value == null) {
                throw new IllegalArgumentException("Step '" + step + "' checks a range on field '" + field
                        + "', which is not numeric; use accepted-values or regex for text.");
            }
            return (min == null || value.compareTo(min) >= 0) && (max == null || value.compareTo(max) <= 0);
        }

        @Override
        public String toString() {
            return field + " in range [" + (min == null ? "-inf" : min.toPlainString()) + ", "
                    + (max == null ? "+inf" : max.toPlainString()) + "]";
        }
    }

    /** The value's text (numbers compared as numbers) is one of {@code values}. */
    record AcceptedValues(String field, List<String> values) implements Rule {
        public AcceptedValues {
            values = List.copyOf(values);
        }

        @Override
        public boolean holds(GenericRecord row, String step) {
            String text = Fields.text(row, field, step);
            if (text == null || values.contains(text)) {
                return true;
            }
            BigDecimal number = Fields.number(row, field, step);
            return number != null && values.stream().anyMatch(v -> numericEquals(v, number));
        }

        private static boolean numericEquals(String literal, BigDecimal number) {
            try {
                return new BigDecimal(literal).compareTo(number) == 0;
            } catch (NumberFormatException e) {
                return false;
            }
        }

        @Override
        public String toString() {
            return field + " in " + values;
        }
    }

    /** The whole value's text matches {@code pattern}. */
    record Matches(String field, Pattern pattern) implements Rule {
        @Override
        public boolean holds(GenericRecord row, String step) {
            String text = Fields.text(row, field, step);
            return text == null || pattern.matcher(text).matches();
        }

        @Override
        public String toString() {
            return field + " matches /" + pattern.pattern() + "/";
        }
    }
}
