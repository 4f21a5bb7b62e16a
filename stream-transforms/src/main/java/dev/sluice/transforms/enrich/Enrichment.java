package dev.sluice.transforms.enrich;

import java.util.Map;

/**
 * What an {@code enrich} step joins: the dimension's row topic, the fact column holding the dimension's key,
 * the dimension column it matches, and which dimension columns to add under which names.
 *
 * @param dimensionTopic a row topic (e.g. {@code replica.public.customers}) materialised as a table
 * @param foreignKey     the fact column with the dimension's key (e.g. {@code customer_id})
 * @param dimensionKey   the dimension column it equals (e.g. {@code id})
 * @param columns        dimension column -> output column, in output order
 */
public record Enrichment(String dimensionTopic, String foreignKey, String dimensionKey, Map<String, String> columns) {

    public Enrichment {
        columns = Map.copyOf(columns);
    }
}
