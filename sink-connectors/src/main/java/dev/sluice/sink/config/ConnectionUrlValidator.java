package dev.sluice.sink.config;

import dev.sluice.sink.dialect.Dialects;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Accepts only JDBC URLs of a database the sink has a dialect for; reachability is checked by the connector's validate(). */
final class ConnectionUrlValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
        String url = (String) value;
        if (url == null || url.isBlank()) {
            throw new ConfigException(name, value, "is required: give jdbc:duckdb:/path/file.duckdb or jdbc:postgresql://host:port/db");
        }
        if (Dialects.find(url).isEmpty()) {
            throw new ConfigException(name, value, "names no supported database (unknown dialect); use jdbc:duckdb:/path/file.duckdb or "
                    + "jdbc:postgresql://host:port/db");
        }
    }

    @Override
    public String toString() {
        return "jdbc:duckdb:<file> or jdbc:postgresql://<host>:<port>/<database>";
    }
}
