package dev.sluice.cli.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.cli.secret.ProcessSecrets;
import dev.sluice.schemas.kafka.RecordSizeLimit;
import dev.sluice.schemas.registry.SchemaRegistryConfig;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;
import org.apache.kafka.common.config.types.Password;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * A service's settings, from four layers: command-line flag > environment ({@code SLUICE_<SECTION>_<KEY>}) >
 * the {@code --config} file > the default declared in {@link Section}. Values may name secrets as Kafka's config
 * providers do, {@code ${env:VAR}} and {@code ${file:/path:key}}, resolved here by Kafka's own
 * {@link ConfigTransformer}. Anything wrong (an unknown key, a bad value, a missing required setting, a reference
 * that does not resolve) is one sentence naming where it came from, the value (never a secret's) and the fix,
 * thrown as {@link IllegalArgumentException} before the service starts anything.
 */
public final class ServiceConfig {

    /** Config provider aliases, as the Connect worker gets them too ({@link #workerConfigProviders()}). */
    public static final Map<String, Class<? extends ConfigProvider>> PROVIDERS =
            Map.of("env", EnvVarConfigProvider.class, "file", FileConfigProvider.class);

    private final Map<Section, AbstractConfig> configs;
    private final Map<Section, Map<String, String>> raw;
    private final Map<Section, Map<String, String>> resolved;

    private ServiceConfig(Map<Section, AbstractConfig> configs, Map<Section, Map<String, String>> raw,
                          Map<Section, Map<String, String>> resolved) {
        this.configs = configs;
        this.raw = raw;
        this.resolved = resolved;
    }

    /**
     * @param file     the {@code --config} file, or null
     * @param env      the environment (System.getenv() but in tests)
     * @param flags    per section, the settings given as flags (only those given)
     * @param sections the sections this service reads
     */
    public static ServiceConfig load(Path file, Map<String, String> env, Map<Section, Map<String, String>> flags,
                                     List<Section> sections) {
        Map<String, Map<String, String>> fileValues = file == null ? Map.of() : readFile(file);
        String fileName = file == null ? null : file.toString();
        Map<Section, AbstractConfig> configs = new EnumMap<>(Section.class);
        Map<Section, Map<String, String>> raws = new EnumMap<>(Section.class);
        Map<Section, Map<String, String>> resolveds = new EnumMap<>(Section.class);
        ConfigTransformer transformer = transformer(env);
        for (Section section : sections) {
            Map<String, String> merged = new LinkedHashMap<>();
            Map<String, String> origin = new LinkedHashMap<>();
            Map<String, String> fromFile = fileValues.getOrDefault(section.key(), Map.of());
            fromFile.forEach((key, value) -> {
                if (!section.openEnded() && !section.def().configKeys().containsKey(key)) {
                    throw new IllegalArgumentException(fileName + ": '" + section.key() + "." + key + "' is not a setting of "
                            + section.key() + "; use one of " + String.join(", ", section.def().names())
                            + " (docs/configuration.md).");
                }
                merged.put(key, value);
                origin.put(key, section.key() + "." + key + " in " + fileName);
            });
            section.def().names().forEach(key -> {
                String value = env.get(section.envName(key));
                if (value != null) {
                    merged.put(key, value);
                    origin.put(key, section.envName(key));
                }
            });
            if (section.openEnded()) {
                String prefix = section.envName("");
                env.forEach((name, value) -> {
                    String key = name.startsWith(prefix) ? section.settingOfEnv(name) : null;
                    if (key != null && !key.isEmpty() && !section.def().names().contains(key)) {
                        merged.put(key, value);
                        origin.put(key, name);
                    }
                });
            }
            flags.getOrDefault(section, Map.of()).forEach((key, value) -> {
                merged.put(key, value);
                String flag = Section.FLAGS.getOrDefault(section.key(), Map.of()).get(key);
                origin.put(key, flag == null ? "--kafka-property " + key : flag);
            });
            Map<String, String> values = resolve(section, merged, origin, transformer);
            check(section, values, origin, fileName);
            configs.put(section, new AbstractConfig(section.def(), values, false));
            raws.put(section, merged);
            resolveds.put(section, values);
        }
        return new ServiceConfig(configs, raws, resolveds);
    }

    public AbstractConfig get(Section section) {
        AbstractConfig c = configs.get(section);
        if (c == null) {
            throw new IllegalStateException(section + " was not loaded");
        }
        return c;
    }

    /** A setting as written, before {@code ${...}} references are resolved (null when not set). */
    public String raw(Section section, String key) {
        return raw.get(section).get(key);
    }

    /** Whether the setting was given at all (flag, environment or file), rather than left to its default. */
    public boolean isSet(Section section, String key) {
        return raw.get(section).containsKey(key);
    }

    /** Every resolved Kafka client setting (bootstrap.servers and the pass-through ones), as strings. */
    public Map<String, String> kafka() {
        Map<String, String> k = new LinkedHashMap<>(resolved.get(Section.KAFKA));
        k.put("bootstrap.servers", String.join(",", get(Section.KAFKA).getList("bootstrap.servers")));
        k.remove(RecordSizeLimit.SETTING); // Sluice's own: it becomes client settings through recordSizeLimit()
        return k;
    }

    /** {@code kafka.max.record.bytes}: the largest record, and the client, topic and broker limits that follow. */
    public RecordSizeLimit recordSizeLimit() {
        return new RecordSizeLimit(get(Section.KAFKA).getLong(RecordSizeLimit.SETTING));
    }

    public String bootstrapServers() {
        return String.join(",", get(Section.KAFKA).getList("bootstrap.servers"));
    }

    /** The Kafka client settings besides bootstrap.servers (TLS, SASL, tuning). */
    public Map<String, String> kafkaPassThrough() {
        Map<String, String> k = kafka();
        k.remove("bootstrap.servers");
        return k;
    }

    public String registryUrl() {
        return get(Section.SCHEMA_REGISTRY).getString("url");
    }

    /**
     * The registry client's settings beside the URL, under the names the serdes and the Connect converter read
     * ({@code basic.auth.user.info}, {@code schema.registry.ssl.truststore.*}); {@code resolved}: the secrets
     * themselves, else their references as written (for a connector config).
     */
    public Map<String, String> registryAccess(boolean resolvedValues) {
        Map<String, String> source = resolvedValues ? resolved.get(Section.SCHEMA_REGISTRY) : raw.get(Section.SCHEMA_REGISTRY);
        Map<String, String> out = new LinkedHashMap<>();
        source.forEach((key, value) -> {
            if (key.equals("url") || value == null || value.isEmpty()) {
                return;
            }
            out.put(key.startsWith("ssl.") ? "schema.registry." + key : key, value);
        });
        return out;
    }

    /**
     * A Connect worker's settings for Sluice's sink: records up to kafka.max.record.bytes reach its sink consumers and
     * its dead-letter producer, the Kafka settings reach its own clients and, prefixed, its sink consumers (a
     * --kafka-property of the same name wins), and it resolves ${env:...}/${file:...} like the services do.
     */
    public Map<String, String> connectWorker() {
        Map<String, String> worker = new HashMap<>();
        worker.put("offset.flush.interval.ms", "250");
        worker.putAll(recordSizeLimit().connectWorker());
        kafkaPassThrough().forEach((k, v) -> {
            worker.put(k, v);
            worker.put("consumer." + k, v);
        });
        worker.putAll(workerConfigProviders());
        return worker;
    }

    /**
     * The secrets of a sink connector as written in the layers: a ${env:...}/${file:...} reference stays a reference,
     * which the worker resolves when it starts a task, so Connect's REST API (GET /connectors/NAME/config) shows only it.
     */
    public Map<String, String> connectorSecrets() {
        Map<String, String> secrets = new HashMap<>();
        if (raw(Section.CONNECT, "warehouse.password") != null) {
            secrets.put("connection.password", asReference(raw(Section.CONNECT, "warehouse.password")));
        }
        registryAccess(false).forEach((k, v) -> {
            String value = k.equals(SchemaRegistryConfig.BASIC_AUTH_USER_INFO) || k.endsWith(".password") ? asReference(v) : v;
            secrets.put("key.converter." + k, value);
            secrets.put("value.converter." + k, value);
        });
        return secrets;
    }

    /** A secret written plainly becomes a reference this process's workers resolve ({@link ProcessSecrets}). */
    private static String asReference(String written) {
        return ProcessSecrets.isReference(written) ? written : ProcessSecrets.reference(written);
    }

    /**
     * Worker settings that let Kafka Connect resolve the same {@code ${env:...}} and {@code ${file:...}} references, and
     * the {@code ${sluice:...}} ones of {@link ProcessSecrets}.
     */
    public static Map<String, String> workerConfigProviders() {
        Map<String, String> w = new LinkedHashMap<>();
        w.put("config.providers", String.join(",", PROVIDERS.keySet().stream().sorted().toList()) + "," + ProcessSecrets.ALIAS);
        PROVIDERS.forEach((alias, type) -> w.put("config.providers." + alias + ".class", type.getName()));
        w.put("config.providers." + ProcessSecrets.ALIAS + ".class", ProcessSecrets.class.getName());
        return w;
    }

    private static ConfigTransformer transformer(Map<String, String> env) {
        FileConfigProvider files = new FileConfigProvider();
        files.configure(Map.of());
        EnvVarConfigProvider variables = new EnvVarConfigProvider(env);
        variables.configure(Map.of()); // every variable may be named (the provider's default allowlist)
        return new ConfigTransformer(Map.of("env", variables, "file", files));
    }

    private static Map<String, String> resolve(Section section, Map<String, String> merged, Map<String, String> origin,
                                               ConfigTransformer transformer) {
        Map<String, String> values;
        try {
            values = new LinkedHashMap<>(transformer.transform(merged).data());
        } catch (ConfigException e) {
            // FileConfigProvider: a file that cannot be read
            throw new IllegalArgumentException("A ${file:...} reference in " + section.key() + " cannot be resolved ("
                    + e.getMessage() + "); check the path, that the file is readable and has the key.");
        }
        values.forEach((key, value) -> {
            Matcher m = value == null ? null : ConfigTransformer.DEFAULT_PATTERN.matcher(value);
            if (m != null && m.find() && PROVIDERS.containsKey(m.group(1))) {
                String ref = m.group();
                String fix = m.group(1).equals("env") ? "export " + m.group(4) + " or fix the reference"
                        : "add " + m.group(4) + "=... to " + m.group(3) + " or fix the reference";
                throw new IllegalArgumentException(origin.get(key) + " refers to " + ref + ", which is not set; " + fix + ".");
            }
        });
        return values;
    }

    private static void check(Section section, Map<String, String> values, Map<String, String> origin, String fileName) {
        for (ConfigDef.ConfigKey key : section.def().configKeys().values()) {
            String value = values.get(key.name);
            if (value == null) {
                if (key.defaultValue == ConfigDef.NO_DEFAULT_VALUE) {
                    throw new IllegalArgumentException(missing(section, key.name));
                }
                continue;
            }
            String where = origin.get(key.name);
            String shown = key.type == ConfigDef.Type.PASSWORD ? "(hidden)" : "'" + value + "'";
            Object parsed;
            try {
                parsed = ConfigDef.parseType(key.name, value, key.type);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(where + " = " + shown + " is not " + article(key.type)
                        + "; write " + article(key.type) + " (see docs/configuration.md).");
            }
            if (key.validator == null) {
                continue;
            }
            try {
                key.validator.ensureValid(key.name, parsed instanceof Password p ? p.value() : parsed);
            } catch (Section.Complaint e) {
                String sentence = e.getMessage();
                throw new IllegalArgumentException(sentence.startsWith(key.name + " ")
                        ? where + sentence.substring(key.name.length()) : sentence);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(where + " = " + shown + " is out of range; use a value in "
                        + key.validator + ".");
            }
        }
    }

    private static String missing(Section section, String key) {
        String flag = Section.FLAGS.getOrDefault(section.key(), Map.of()).get(key);
        return section.key() + "." + key + " is not set; pass " + (flag == null ? "" : flag + ", set ")
                + section.envName(key) + " or write " + key + " under " + section.key() + ": in the --config file.";
    }

    private static String article(ConfigDef.Type type) {
        return switch (type) {
            case INT, LONG, SHORT -> "a whole number";
            case DOUBLE -> "a number";
            case BOOLEAN -> "true or false";
            case LIST -> "a list";
            default -> "text";
        };
    }

    /** Section name -> flattened key -> value as text; nested maps join with '.', lists with ','. */
    static Map<String, Map<String, String>> readFile(Path file) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("The config file " + file + " cannot be read (" + firstLine(e.getMessage())
                    + "); check the path and the YAML.");
        }
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (root == null || root.isNull() || root.isMissingNode()) {
            return out;
        }
        if (!root.isObject()) {
            throw new IllegalArgumentException("The config file " + file + " is not a YAML mapping of sections; start it"
                    + " with e.g. 'kafka:'.");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> section = it.next();
            if (Section.byKey(section.getKey()) == null) {
                List<String> names = new ArrayList<>();
                for (Section s : Section.values()) {
                    names.add(s.key());
                }
                throw new IllegalArgumentException(file + ": '" + section.getKey() + "' is not a section; use "
                        + String.join(", ", names) + ".");
            }
            Map<String, String> values = new LinkedHashMap<>();
            if (section.getValue().isObject()) {
                flatten("", section.getValue(), values);
            } else if (!section.getValue().isNull()) {
                throw new IllegalArgumentException(file + ": section '" + section.getKey() + "' must hold settings"
                        + " (key: value lines indented under it).");
            }
            out.put(section.getKey(), values);
        }
        return out;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten(key + ".", v, into);
            } else if (v.isArray()) {
                List<String> items = new ArrayList<>();
                v.forEach(item -> items.add(item.asText()));
                into.put(key, String.join(",", items));
            } else if (!v.isNull()) {
                into.put(key, v.asText());
            }
        }
    }

    private static String firstLine(String s) {
        return s == null ? "unknown error" : s.lines().findFirst().orElse(s);
    }
}
