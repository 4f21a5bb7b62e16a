package dev.sluice.sink.dialect;

import dev.sluice.sink.dialect.duckdb.DuckDbDialect;
import dev.sluice.sink.dialect.postgres.PostgresDialect;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/** The dialects the sink ships, chosen by the JDBC URL's scheme. */
public final class Dialects {
    private static final List<Dialect> ALL = List.of(new DuckDbDialect(), new PostgresDialect());

    private Dialects() {
    }

    public static Optional<Dialect> find(String jdbcUrl) {
        return ALL.stream().filter(d -> d.accepts(jdbcUrl)).findFirst();
    }

    public static Dialect forUrl(String jdbcUrl) {
        return find(jdbcUrl).orElseThrow(() -> new ConfigException("connection.url", jdbcUrl,
                "names no supported database; use jdbc:duckdb:/path/file.duckdb or jdbc:postgresql://host:port/db"));
    }
}
