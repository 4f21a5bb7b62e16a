package dev.sluice.cli.secret;

import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.provider.ConfigProvider;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Secrets the Connect workers of this process resolve, so a connector configuration never holds one in clear:
 * Connect's REST API ({@code GET /connectors/NAME/config}) answers a connector's configuration as it was given, and
 * only a config provider reference stays a reference there. A password from PGPASSWORD or written plainly in
 * {@code sluice.yaml} goes to the connector as {@code ${sluice:password-N}}; the worker resolves it when it starts the
 * task. Every worker Sluice starts is in this JVM and names this provider ({@code ServiceConfig.workerConfigProviders}).
 */
public final class ProcessSecrets implements ConfigProvider {

    public static final String ALIAS = "sluice";

    private static final Map<String, String> KEY_OF_SECRET = new ConcurrentHashMap<>();
    private static final Map<String, String> SECRET_OF_KEY = new ConcurrentHashMap<>();
    private static final AtomicInteger KEYS = new AtomicInteger();

    /**
     * A reference to {@code secret} that only this process resolves; the same secret gets the same reference, so a
     * connector re-created with unchanged settings keeps an unchanged configuration. Null and "" stay as they are.
     */
    public static String reference(String secret) {
        if (secret == null || secret.isEmpty()) {
            return secret;
        }
        String key = KEY_OF_SECRET.computeIfAbsent(secret, s -> {
            String k = "password-" + KEYS.incrementAndGet();
            SECRET_OF_KEY.put(k, s);
            return k;
        });
        return "${" + ALIAS + ":" + key + "}";
    }

    /** Whether {@code value} is a config provider reference ({@code ${env:...}}, {@code ${file:...}}, ours). */
    public static boolean isReference(String value) {
        return value != null && value.matches("\\$\\{[^}:]+:[^}]*}");
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public ConfigData get(String path) {
        return new ConfigData(Map.of());
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> found = new HashMap<>();
        keys.forEach(k -> {
            String secret = SECRET_OF_KEY.get(k);
            if (secret != null) {
                found.put(k, secret);
            }
        });
        return new ConfigData(found);
    }

    @Override
    public void close() {
    }
}
