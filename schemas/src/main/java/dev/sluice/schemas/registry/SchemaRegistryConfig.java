package dev.sluice.schemas.registry;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

/** The one setting every Sluice serde and converter shares, and how a client is built from it. */
public final class SchemaRegistryConfig {

    /** Base URL of a Schema Registry REST API, e.g. {@code http://localhost:8081}. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

    private SchemaRegistryConfig() {
    }

    /** A REST client for the URL in {@code configs}; fails naming the missing or bad setting. */
    public static SchemaRegistryClient clientFrom(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url,
                    "is required: set it to the base URL of the Schema Registry, e.g. http://localhost:8081");
        }
        String first = url.toString().split(",")[0].trim();
        try {
            return new RestSchemaRegistryClient(first);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, e.getMessage());
        }
    }
}
