package dev.sluice.sink;

import dev.sluice.sink.config.DeleteMode;
import dev.sluice.sink.config.InsertMode;
import dev.sluice.sink.config.KeyRules;
import dev.sluice.sink.config.PkMode;
import dev.sluice.sink.config.TableNameFormat;
import dev.sluice.sink.config.WarehouseSinkConfig;
import dev.sluice.sink.dialect.Dialect;
import dev.sluice.sink.dialect.Dialects;
import dev.sluice.sink.dialect.WarehouseConnection;
import dev.sluice.sink.table.TableManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Upserts row topics (docs/CONTRACTS.md) into a warehouse table per topic, exactly once, in DuckDB or PostgreSQL.
 * {@link #validate} reports, each on its own field: a URL of no supported database or a database that cannot be
 * opened ({@code connection.url}); key settings that contradict each other ({@code pk.fields}, {@code insert.mode},
 * {@code delete.mode}, see {@link KeyRules}); and {@code pk.fields} naming a column that an existing target table
 * of the listed {@code topics} lacks. Every task gets the same settings; Connect spreads the partitions.
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
        boolean keysValid = checkKeyRules(config);
        ConfigValue url = value(config, WarehouseSinkConfig.CONNECTION_URL);
        if (url == null || !url.errorMessages().isEmpty() || url.value() == null) {
            return config;
        }
        String jdbcUrl = (String) url.value();
        Dialect dialect = Dialects.forUrl(jdbcUrl);
        Password password = (Password) valueOf(config, WarehouseSinkConfig.CONNECTION_PASSWORD);
        try (WarehouseConnection c = dialect.connect(jdbcUrl, (String) valueOf(config, WarehouseSinkConfig.CONNECTION_USER),
                password == null ? null : password.value())) {
            try (Statement s = c.jdbc().createStatement()) {
                s.execute("SELECT 1");
            }
            if (keysValid) {
                checkPkFieldsAgainstExistingTables(config, connectorConfigs.get(TOPICS_CONFIG), c);
            }
        } catch (SQLException | RuntimeException e) {
            url.addErrorMessage("Cannot open the " + dialect.name() + " database at " + jdbcUrl + " (" + e.getMessage()
                    + "); check that it is reachable (host, port, file path and its directory) and the user and password.");
        }
        return config;
    }

    /** Adds the cross-field key problems to their fields; true when the key settings are sound. */
    private static boolean checkKeyRules(Config config) {
        List<String> names = List.of(WarehouseSinkConfig.PK_MODE, WarehouseSinkConfig.PK_FIELDS, WarehouseSinkConfig.INSERT_MODE,
                WarehouseSinkConfig.DELETE_MODE);
        if (names.stream().map(n -> value(config, n)).anyMatch(v -> v == null || !v.errorMessages().isEmpty())) {
            return false;
        }
        Map<String, String> problems = KeyRules.problems(PkMode.parse((String) valueOf(config, WarehouseSinkConfig.PK_MODE)),
                pkFields(config), InsertMode.parse((String) valueOf(config, WarehouseSinkConfig.INSERT_MODE)),
                DeleteMode.parse((String) valueOf(config, WarehouseSinkConfig.DELETE_MODE)));
        problems.forEach((name, message) -> value(config, name).addErrorMessage(message));
        ConfigValue history = value(config, WarehouseSinkConfig.HISTORY_TABLES);
        if (history != null && history.errorMessages().isEmpty() && history.value() instanceof List<?> tables) {
            String problem = WarehouseSinkConfig.historyProblem(PkMode.parse((String) valueOf(config, WarehouseSinkConfig.PK_MODE)),
                    tables.stream().map(t -> t.toString().trim()).filter(t -> !t.isEmpty()).toList());
            if (problem != null) {
                history.addErrorMessage(problem);
            }
        }
        return problems.isEmpty();
    }

    /**
     * With a fixed topic list the target tables are known before any record: a table that already exists must have
     * every pk.fields column. With topics.regex, or tables not created yet, the task checks each record instead.
     */
    private static void checkPkFieldsAgainstExistingTables(Config config, String topics, WarehouseConnection c)
            throws SQLException {
        List<String> pkFields = pkFields(config);
        ConfigValue format = value(config, WarehouseSinkConfig.TABLE_NAME_FORMAT);
        if (pkFields.isEmpty() || topics == null || topics.isBlank() || format == null || !format.errorMessages().isEmpty()) {
            return;
        }
        TableNameFormat tables = new TableNameFormat((String) format.value());
        ConfigValue pk = value(config, WarehouseSinkConfig.PK_FIELDS);
        for (String topic : topics.split(",")) {
            if (topic.isBlank()) {
                continue;
            }
            String table = tables.tableFor(topic.trim());
            Set<String> columns = TableManager.columnsOf(c, table);
            if (columns.isEmpty()) {
                continue;
            }
            for (String field : pkFields) {
                if (!columns.contains(field)) {
                    pk.addErrorMessage("pk.fields names column '" + field + "', which the existing table '" + table
                            + "' (topic " + topic.trim() + ") lacks; its columns are " + columns.stream().sorted().toList()
                            + ". Fix pk.fields or the table.");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> pkFields(Config config) {
        Object v = valueOf(config, WarehouseSinkConfig.PK_FIELDS);
        return v == null ? List.of() : ((List<String>) v).stream().map(String::trim).toList();
    }

    private static ConfigValue value(Config config, String name) {
        return config.configValues().stream().filter(v -> v.name().equals(name)).findFirst().orElse(null);
    }

    private static Object valueOf(Config config, String name) {
        ConfigValue v = value(config, name);
        return v == null ? null : v.value();
    }
}
