package dev.sluice.sink;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The module's version, filtered into a resource at build time. */
final class SinkVersion {
    private static final String VERSION = load();

    private SinkVersion() {
    }

    static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = SinkVersion.class.getResourceAsStream("/sluice-sink-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
