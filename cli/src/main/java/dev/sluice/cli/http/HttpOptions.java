package dev.sluice.cli.http;

import picocli.CommandLine.Option;

/** {@code --http-port}: where a service serves /metrics and /health. */
public final class HttpOptions {

    @Option(names = "--http-port", defaultValue = "8080", paramLabel = "PORT",
            description = "Port of /metrics (Prometheus) and /health/live, /health/ready (default: ${DEFAULT-VALUE};"
                    + " 0 picks a free port).")
    public int httpPort;
}
