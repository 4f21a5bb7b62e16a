package dev.sluice.schemas.registry;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.config.ConfigException;

/** The settings every Sluice serde and converter shares, and how a client is built from them. */
public final class SchemaRegistryConfig {

    /** Base URL of a Schema Registry REST API, e.g. {@code http://localhost:8081}. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /**
     * How long (ms) a failing registry call (unreachable, 5xx) is retried before the record fails; optional,
     * default {@link RestSchemaRegistryClient#DEFAULT_RETRY_WINDOW}.
     */
    public static final String RETRY_TIMEOUT_MS = "schema.registry.retry.timeout.ms";

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
        Duration retry = RestSchemaRegistryClient.DEFAULT_RETRY_WINDOW;
        Object retryMs = configs.get(RETRY_TIMEOUT_MS);
        if (retryMs != null) {
            try {
                retry = Duration.ofMillis(Long.parseLong(retryMs.toString().trim()));
            } catch (NumberFormatException e) {
                throw new ConfigException(RETRY_TIMEOUT_MS, retryMs, "must be a number of milliseconds, e.g. 10000");
            }
        }
        try {
            return new RestSchemaRegistryClient(first, retry);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, e.getMessage());
        }
    }
}
