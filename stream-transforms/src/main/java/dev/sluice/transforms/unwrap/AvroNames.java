package dev.sluice.transforms.unwrap;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/** Builds valid Avro namespaces from schema names that may carry characters Avro names do not allow. */
public final class AvroNames {

    private AvroNames() {
    }

    /** The envelope's namespace (else the image's), each part made a valid Avro name; null if none. */
    static String namespaceOf(Schema envelope, Schema image) {
        String namespace = envelope.getNamespace() != null ? envelope.getNamespace() : image.getNamespace();
        if (namespace == null || namespace.isEmpty()) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (String part : namespace.split("\\.")) {
            if (!part.isEmpty()) {
                parts.add(sanitize(part));
            }
        }
        return parts.isEmpty() ? null : String.join(".", parts);
    }

    /** Replaces every character outside [A-Za-z0-9_] by '_' and prefixes '_' if the name starts with a digit. */
    public static String sanitize(String name) {
        StringBuilder out = new StringBuilder(name.length() + 1);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            out.append(ok ? c : '_');
        }
        if (Character.isDigit(out.charAt(0))) {
            out.insert(0, '_');
        }
        return out.toString();
    }
}
