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

    /** {@code USER:PASSWORD} for HTTP basic auth against the registry (the name Confluent's client uses). */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** A truststore (JKS or PKCS12) holding the CA of an {@code https://} registry. */
    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";

    private SchemaRegistryConfig() {
    }

    /** Basic auth and truststore from {@code configs} ({@link RegistryAccess#NONE} when neither is set). */
    public static RegistryAccess accessFrom(Map<String, ?> configs) {
        Object location = configs.get(SSL_TRUSTSTORE_LOCATION);
        return new RegistryAccess(text(configs.get(BASIC_AUTH_USER_INFO)),
                location == null || location.toString().isBlank() ? null : java.nio.file.Path.of(location.toString()),
                text(configs.get(SSL_TRUSTSTORE_PASSWORD)), text(configs.get(SSL_TRUSTSTORE_TYPE)));
    }

    private static String text(Object value) {
        if (value instanceof org.apache.kafka.common.config.types.Password p) {
            return p.value();
        }
        return value == null ? null : value.toString();
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
        RegistryAccess access = accessFrom(configs);
        try {
            return new RestSchemaRegistryClient(first, retry, access);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL, url, e.getMessage());
        }
    }
}
