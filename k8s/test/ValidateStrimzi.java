// Strict check of rendered Strimzi objects against Strimzi's own API model classes (io.strimzi:api, resolved by
// strimzi/pom.xml): reads a JSON array of objects on stdin, binds each to its kind's class and fails on an
// apiVersion the class does not serve, a wrong type, or any field the model does not know (Strimzi's classes keep
// unknown fields in getAdditionalProperties() rather than failing, so every bound object is walked for them).
// Run: java -cp "$(cat strimzi/classpath.txt)" ValidateStrimzi.java < objects.json   (exit 1 on the first errors)
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

public class ValidateStrimzi {

    static final Map<String, String> KINDS = Map.of(
            "KafkaConnect", "io.strimzi.api.kafka.model.connect.KafkaConnect",
            "KafkaConnector", "io.strimzi.api.kafka.model.connector.KafkaConnector",
            "KafkaTopic", "io.strimzi.api.kafka.model.topic.KafkaTopic");

    public static void main(String[] args) throws Exception {
        ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        JsonNode objects = mapper.readTree(System.in);
        List<String> errors = new ArrayList<>();
        int checked = 0;
        for (JsonNode o : objects) {
            String kind = o.path("kind").asText();
            String name = kind + "/" + o.path("metadata").path("name").asText();
            String className = KINDS.get(kind);
            if (className == null) {
                errors.add(name + ": no Strimzi model for kind " + kind);
                continue;
            }
            Class<?> type = Class.forName(className);
            @SuppressWarnings("unchecked")
            List<String> versions = (List<String>) type.getField("VERSIONS").get(null);
            String group = (String) type.getField("RESOURCE_GROUP").get(null);
            String apiVersion = o.path("apiVersion").asText();
            if (!apiVersion.startsWith(group + "/") || !versions.contains(apiVersion.substring(group.length() + 1))) {
                errors.add(name + ": apiVersion " + apiVersion + " is not one of " + group + "/" + versions);
            }
            try {
                Object bound = mapper.treeToValue(o, type);
                walk(bound, name, errors, new IdentityHashMap<>());
            } catch (Exception e) {
                errors.add(name + ": " + e.getMessage().lines().findFirst().orElse(""));
            }
            checked++;
        }
        errors.forEach(e -> System.err.println("strimzi schema: " + e));
        System.out.println("ValidateStrimzi: " + checked + " objects checked, " + errors.size() + " errors");
        System.exit(errors.isEmpty() ? 0 : 1);
    }

    /** Every model object reachable from {@code o} must have no additional (unknown) properties. */
    static void walk(Object o, String path, List<String> errors, Map<Object, Boolean> seen) throws Exception {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", errors, seen);
            }
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!pkg.startsWith("io.strimzi.api") && !pkg.startsWith("io.fabric8.kubernetes.api.model")) {
            return; // strings, numbers, free-form maps such as spec.config
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || m.getDeclaringClass() == Object.class) {
                continue;
            }
            String n = m.getName();
            if (n.equals("getAdditionalProperties")) {
                Object extra = m.invoke(o);
                if (extra instanceof Map<?, ?> map && !map.isEmpty()) {
                    errors.add(path + ": unknown field(s) " + map.keySet());
                }
            } else if (n.startsWith("get") && n.length() > 3 && !Set.of("getClass").contains(n)) {
                Object v;
                try {
                    v = m.invoke(o);
                } catch (Exception e) {
                    continue;
                }
                if (v instanceof Map<?, ?> map) {
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        walk(e.getValue(), path + "." + lower(n) + "." + e.getKey(), errors, seen);
                    }
                } else {
                    walk(v, path + "." + lower(n), errors, seen);
                }
            }
        }
    }

    static String lower(String getter) {
        return Character.toLowerCase(getter.charAt(3)) + getter.substring(4);
    }
}
