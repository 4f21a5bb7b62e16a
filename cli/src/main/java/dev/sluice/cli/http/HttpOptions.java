package dev.sluice.cli.http;

import dev.sluice.cli.config.ConfigFileOption;
import dev.sluice.cli.config.Section;
import picocli.CommandLine.Option;

/** {@code --http-port}: where a service serves /metrics and /health (or http.port in --config, SLUICE_HTTP_PORT). */
public final class HttpOptions {

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Port of /metrics (Prometheus) and /health/live, /health/ready (default: 8080; 0 picks a free port).")
    public Integer httpPort;

    public ConfigFileOption.Flags addTo(ConfigFileOption.Flags flags) {
        return flags.put(Section.HTTP, "port", httpPort);
    }
}
