package dev.sluice.cli.lineage;

import dev.sluice.cli.config.Section;
import dev.sluice.cli.config.ServiceConfig;
import org.apache.kafka.common.config.AbstractConfig;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code lineage:} section of {@code sluice.yaml}: where events go (an HTTP endpoint, a file or both), the jobs'
 * namespace and how often RUNNING is sent. Lineage is off unless {@code url} or {@code file} is set.
 */
public record LineageSettings(URI url, Path file, String namespace, Duration runningInterval, Duration timeout) {

    public static final String DEFAULT_NAMESPACE = "sluice";

    /** The lineage settings of a loaded configuration, empty when lineage is off. */
    public static Optional<LineageSettings> from(ServiceConfig config) {
        AbstractConfig c = config.get(Section.LINEAGE);
        String url = c.getString("url");
        String file = c.getString("file");
        if (blank(url) && blank(file)) {
            return Optional.empty();
        }
        return Optional.of(new LineageSettings(blank(url) ? null : URI.create(url.trim()),
                blank(file) ? null : Path.of(file.trim()), c.getString("namespace"),
                Duration.ofMillis(c.getLong("running.interval.ms")), Duration.ofMillis(c.getLong("timeout.ms"))));
    }

    /** The transport(s) events are sent through. */
    public LineageTransport transport() {
        List<LineageTransport> all = new ArrayList<>();
        if (url != null) {
            all.add(new HttpTransport(url, timeout));
        }
        if (file != null) {
            all.add(new FileTransport(file));
        }
        return all.size() == 1 ? all.get(0) : event -> all.forEach(t -> t.send(event));
    }

    /** Where events go, for the start banner. */
    public String describe() {
        List<String> where = new ArrayList<>();
        if (url != null) {
            where.add(url.toString());
        }
        if (file != null) {
            where.add(file.toString());
        }
        return String.join(" and ", where) + " (namespace " + namespace + ", RUNNING every "
                + runningInterval.toSeconds() + " s)";
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
