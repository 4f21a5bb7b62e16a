package dev.sluice.transforms.mask;

/**
 * How one column is masked.
 * <ul>
 *   <li>{@link Hash}: keyed hash (HMAC-SHA256 with the pipeline's secret salt) as lower-case hex: equal values
 *       still join and group, but cannot be read back or guessed from a dictionary without the salt;</li>
 *   <li>{@link Redact}: text becomes {@value MaskStep#REDACTED}; any other type becomes null (the column turns
 *       optional);</li>
 *   <li>{@link Truncate}: text cut to its first {@code length} characters;</li>
 *   <li>{@link KeepLast}: text with all but its last {@code count} characters replaced by {@code *}.</li>
 * </ul>
 * Nulls stay null.
 */
public sealed interface MaskRule {

    record Hash() implements MaskRule {
    }

    record Redact() implements MaskRule {
    }

    record Truncate(int length) implements MaskRule {
    }

    record KeepLast(int count) implements MaskRule {
    }
}
