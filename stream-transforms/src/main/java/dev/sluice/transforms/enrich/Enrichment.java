package dev.sluice.transforms.enrich;

import java.time.Duration;
import java.util.Map;

/**
 * What an {@code enrich} step joins: the dimension's row topic, the fact column holding the dimension's key,
 * the dimension column it matches, which dimension columns to add under which names, and how.
 *
 * @param dimensionTopic a row topic (e.g. {@code replica.public.customers}) materialised as a table
 * @param foreignKey     the fact column with the dimension's key (e.g. {@code customer_id})
 * @param dimensionKey   the dimension column it equals (e.g. {@code id})
 * @param columns        dimension column -> output column
 * @param mode           how the dimension is kept and looked up
 * @param history        {@link Mode#TEMPORAL}: how long old dimension versions stay queryable
 * @param grace          {@link Mode#TEMPORAL}: how long (in stream time) a fact waits for dimension changes still
 *                       on their way before it is looked up (zero: at once)
 */
public record Enrichment(String dimensionTopic, String foreignKey, String dimensionKey, Map<String, String> columns,
                         Mode mode, Duration history, Duration grace) {

    public static final Duration DEFAULT_HISTORY = Duration.ofDays(1);

    public Enrichment {
        columns = Map.copyOf(columns);
        mode = mode == null ? Mode.FOREIGN_KEY : mode;
        history = history == null ? DEFAULT_HISTORY : history;
        grace = grace == null ? Duration.ZERO : grace;
    }

    public Enrichment(String dimensionTopic, String foreignKey, String dimensionKey, Map<String, String> columns) {
        this(dimensionTopic, foreignKey, dimensionKey, columns, Mode.FOREIGN_KEY, null, null);
    }

    public enum Mode {
        /** Table-table foreign-key join: facts are re-emitted when their dimension row changes. */
        FOREIGN_KEY,
        /** Lookup in a global table (every instance holds the whole dimension): for small dimensions. */
        GLOBAL,
        /** Lookup of the dimension row as it was at the fact's time, in a versioned store. */
        TEMPORAL
    }
}
