package dev.sluice.cli.config;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code --config FILE}: the service's settings from {@code sluice.yaml}; flags and {@code SLUICE_...} win over it. */
public final class ConfigFileOption {

    @Option(names = "--config", paramLabel = "FILE",
            description = "Settings from this YAML file (docs/configuration.md); a flag wins over SLUICE_... in the "
                    + "environment, which wins over the file. Values may be $${env:VAR} or $${file:/path:key}.")
    public Path file;

    /** Collects the flags a command was given, per section, then loads the layers. */
    public static final class Flags {
        private final Map<Section, Map<String, String>> flags = new EnumMap<>(Section.class);

        public Flags put(Section section, String key, Object value) {
            if (value != null && !(value instanceof List<?> l && l.isEmpty())) {
                String text = value instanceof List<?> l ? String.join(",", l.stream().map(Object::toString).toList())
                        : value.toString();
                flags.computeIfAbsent(section, s -> new LinkedHashMap<>()).put(key, text);
            }
            return this;
        }

        public Flags putAll(Section section, Map<String, String> values) {
            values.forEach((k, v) -> put(section, k, v));
            return this;
        }

        public ServiceConfig load(Path file, Section... sections) {
            return ServiceConfig.load(file, System.getenv(), flags, List.of(sections));
        }

        public Map<Section, Map<String, String>> asMap() {
            return flags;
        }
    }
}
