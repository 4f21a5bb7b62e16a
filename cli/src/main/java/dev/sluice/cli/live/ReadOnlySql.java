package dev.sluice.cli.live;

import java.util.Locale;

/**
 * Checks the query box's text before it reaches the warehouse: one statement, starting with SELECT or WITH. The
 * statement is then run wrapped as a subquery ({@link #wrap}), which no warehouse accepts around a write, so a check
 * fooled by odd syntax still cannot change anything.
 */
final class ReadOnlySql {

    static final int MAX_LENGTH = 10_000;

    private ReadOnlySql() {
    }

    /** The statement without trailing semicolons and blanks; throws {@link Refused} with the reason. */
    static String check(String sql) {
        if (sql == null || sql.isBlank()) {
            throw new Refused("The query is empty; type a SELECT statement, e.g. SELECT count(*) FROM orders.");
        }
        if (sql.length() > MAX_LENGTH) {
            throw new Refused("The query is " + sql.length() + " characters long; the query box takes at most "
                    + MAX_LENGTH + ".");
        }
        String text = sql.strip();
        while (text.endsWith(";")) {
            text = text.substring(0, text.length() - 1).strip();
        }
        int separator = firstSemicolon(text);
        if (separator >= 0) {
            throw new Refused("The query box runs one statement at a time; remove the ';' at character "
                    + (separator + 1) + " and what follows it.");
        }
        String keyword = firstWord(text);
        if (!keyword.equals("SELECT") && !keyword.equals("WITH")) {
            throw new Refused("The query box only reads the warehouse: it runs SELECT (or WITH ... SELECT) statements, and '"
                    + (keyword.isEmpty() ? text.substring(0, Math.min(20, text.length())) : keyword)
                    + "' is not one; use the warehouse's own tools once sluice has stopped to change data.");
        }
        return text;
    }

    /** The statement as run: at most {@code rows} rows (one more to tell whether there were more). */
    static String wrap(String checked, int rows) {
        // the newline ends a trailing -- comment, which would otherwise swallow the closing parenthesis
        return "SELECT * FROM (\n" + checked + "\n) AS query_box LIMIT " + (rows + 1);
    }

    /** Position of a ';' outside string literals, quoted identifiers and comments; -1 if none. */
    private static int firstSemicolon(String s) {
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\'' || c == '"') {
                int end = s.indexOf(c, i + 1);
                while (end >= 0 && end + 1 < s.length() && s.charAt(end + 1) == c) {
                    end = s.indexOf(c, end + 2); // doubled quote inside
                }
                if (end < 0) {
                    return -1; // unterminated: the warehouse will say so
                }
                i = end + 1;
            } else if (s.startsWith("--", i)) {
                int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end + 1;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
            } else if (c == ';') {
                return i;
            } else {
                i++;
            }
        }
        return -1;
    }

    /** The first word after blanks, comments and opening parentheses, upper case. */
    private static String firstWord(String s) {
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || c == '(') {
                i++;
            } else if (s.startsWith("--", i)) {
                int end = s.indexOf('\n', i);
                i = end < 0 ? s.length() : end + 1;
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                i = end < 0 ? s.length() : end + 2;
            } else {
                break;
            }
        }
        int start = i;
        while (i < s.length() && Character.isLetter(s.charAt(i))) {
            i++;
        }
        return s.substring(start, i).toUpperCase(Locale.ROOT);
    }

    /** The query was not run: one sentence why. */
    static final class Refused extends RuntimeException {
        Refused(String sentence) {
            super(sentence);
        }
    }
}
