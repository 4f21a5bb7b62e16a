package dev.sluice.sink;

import dev.sluice.sink.config.WarehouseSinkConfig;
import dev.sluice.sink.dialect.Dialect;
import dev.sluice.sink.dialect.Dialects;
import dev.sluice.sink.dialect.WarehouseConnection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Upserts row topics (docs/CONTRACTS.md) into a warehouse table per topic, exactly once, in DuckDB or PostgreSQL.
 * {@link #validate} reports, per field, a URL of no supported database and a database that cannot be opened.
 * Every task gets the same settings; Connect spreads the partitions.
 */
public class WarehouseSinkConnector extends SinkConnector {
    private Map<String, String> props;

    @Override
    public String version() {
        return SinkVersion.get();
    }

    @Override
    public void start(Map<String, String> props) {
        new WarehouseSinkConfig(props); // fail fast on a bad setting, before any task starts
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return WarehouseSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        return Collections.nCopies(maxTasks, new HashMap<>(props));
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return WarehouseSinkConfig.CONFIG_DEF;
    }

    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config config = super.validate(connectorConfigs);
        ConfigValue url = value(config, WarehouseSinkConfig.CONNECTION_URL);
        if (url != null && url.errorMessages().isEmpty() && url.value() != null) {
            String problem = checkConnection((String) url.value(), (String) valueOf(config, WarehouseSinkConfig.CONNECTION_USER),
                    (Password) valueOf(config, WarehouseSinkConfig.CONNECTION_PASSWORD));
            if (problem != null) {
                url.addErrorMessage(problem);
            }
        }
        return config;
    }

    /** One sentence saying why the database cannot be used, or null when a trivial query works. */
    static String checkConnection(String url, String user, Password password) {
        Dialect dialect = Dialects.forUrl(url);
        try (WarehouseConnection c = dialect.connect(url, user, password == null ? null : password.value());
             Statement s = c.jdbc().createStatement()) {
            s.execute("SELECT 1");
            return null;
        } catch (SQLException | RuntimeException e) {
            return "Cannot open the " + dialect.name() + " database at " + url + " (" + e.getMessage()
                    + "); check that it is reachable (host, port, file path and its directory) and the user and password.";
        }
    }

    private static ConfigValue value(Config config, String name) {
        return config.configValues().stream().filter(v -> v.name().equals(name)).findFirst().orElse(null);
    }

    private static Object valueOf(Config config, String name) {
        ConfigValue v = value(config, name);
        return v == null ? null : v.value();
    }
}
