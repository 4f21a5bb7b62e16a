package dev.sluice.sink.dialect;

/**
 * A source value that is no number or instant: PostgreSQL's timestamp, timestamptz and date {@code ±infinity} and
 * numeric {@code NaN} and {@code ±Infinity}. {@link JdbcValues} recognises how Debezium carries each (see
 * {@code docs/sink-connectors.md}, Types); a dialect writes it in its own spelling. PostgreSQL reads {@link #text()}
 * for every one; DuckDB holds the infinities of its TIMESTAMP, TIMESTAMPTZ and DATE, and the numeric ones only
 * where the column is text (its DECIMAL has none).
 */
public enum SpecialValue {
    INFINITY("infinity"),
    NEGATIVE_INFINITY("-infinity"),
    NUMERIC_NAN("NaN"),
    NUMERIC_INFINITY("Infinity"),
    NUMERIC_NEGATIVE_INFINITY("-Infinity");

    private final String text;

    SpecialValue(String text) {
        this.text = text;
    }

    /** How PostgreSQL writes and reads it. */
    public String text() {
        return text;
    }

    public boolean numeric() {
        return this == NUMERIC_NAN || this == NUMERIC_INFINITY || this == NUMERIC_NEGATIVE_INFINITY;
    }

    @Override
    public String toString() {
        return text;
    }
}
