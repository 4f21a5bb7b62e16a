package dev.sluice.cli.lineage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One OpenLineage dataset: where it lives ({@code namespace}, e.g. {@code kafka://broker:9092}), its name there
 * ({@code sluice.public.orders}) and its facets (schema, dataSource, columnLineage), as they go into an event.
 */
public record Dataset(String namespace, String name, ObjectNode facets) {

    public Dataset {
        facets = facets == null ? Facets.object() : facets;
    }

    public Dataset(String namespace, String name) {
        this(namespace, name, null);
    }

    /** The same dataset with one more facet. */
    public Dataset with(String facet, ObjectNode value) {
        ObjectNode copy = facets.deepCopy();
        copy.set(facet, value);
        return new Dataset(namespace, name, copy);
    }

    /** {@code namespace/name}: the identity OpenLineage consumers (Marquez) join on. */
    public String id() {
        return namespace + "/" + name;
    }
}
