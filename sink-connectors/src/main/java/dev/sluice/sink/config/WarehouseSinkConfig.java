package dev.sluice.sink.config;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;

/**
 * The warehouse sink's settings: declared once in {@link #CONFIG_DEF}, read once into typed fields.
 * Construction fails with a {@link org.apache.kafka.common.config.ConfigException} naming the bad setting.
 */
public final class WarehouseSinkConfig extends AbstractConfig {
    public static final String CONNECTION_URL = "connection.url";
    public static final String CONNECTION_USER = "connection.user";
    public static final String CONNECTION_PASSWORD = "connection.password";
    public static final String TABLE_NAME_FORMAT = "table.name.format";
    public static final String DELETE_MODE = "delete.mode";
    public static final String AUTO_CREATE = "auto.create";
    public static final String AUTO_EVOLVE = "auto.evolve";
    public static final String BATCH_SIZE = "batch.size";

    private static final String CONNECTION_GROUP = "Connection";
    private static final String WRITES_GROUP = "Writes";
    private static final String DDL_GROUP = "DDL";

    public static final ConfigDef CONFIG_DEF = new ConfigDef()
            .define(CONNECTION_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConnectionUrlValidator(), Importance.HIGH,
                    "JDBC URL of the warehouse: jdbc:duckdb:/path/file.duckdb (one writing process per file) or "
                            + "jdbc:postgresql://host:port/database.",
                    CONNECTION_GROUP, 1, Width.LONG, "JDBC URL")
            .define(CONNECTION_USER, Type.STRING, null, Importance.HIGH,
                    "Database user (PostgreSQL; ignored by DuckDB).", CONNECTION_GROUP, 2, Width.MEDIUM, "User")
            .define(CONNECTION_PASSWORD, Type.PASSWORD, null, Importance.HIGH,
                    "Database password (PostgreSQL; ignored by DuckDB). Use a config provider (${env:...}, ${file:...}) "
                            + "rather than the plain value.", CONNECTION_GROUP, 3, Width.MEDIUM, "Password")
            .define(TABLE_NAME_FORMAT, Type.STRING, "${table}", new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Target table name for a topic: ${table} is the topic's last dot-separated part, ${schema} the one "
                            + "before it, ${topic} the whole topic. The result is one quoted identifier.",
                    WRITES_GROUP, 1, Width.MEDIUM, "Table name format")
            .define(DELETE_MODE, Type.STRING, "soft", ConfigDef.CaseInsensitiveValidString.in("soft", "hard", "none"),
                    Importance.MEDIUM,
                    "soft: keep the row with __deleted = true and the delete's version (replays cannot resurrect it); "
                            + "hard: delete the row when the delete is newer; none: ignore deletes.",
                    WRITES_GROUP, 2, Width.SHORT, "Delete mode")
            .define(BATCH_SIZE, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "Buffered records that trigger a write before the worker's next offset commit "
                            + "(the worker's offset.flush.interval.ms bounds the latency otherwise).",
                    WRITES_GROUP, 3, Width.SHORT, "Batch size")
            .define(AUTO_CREATE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Create a missing target table from the record schema (primary key from the record key).",
                    DDL_GROUP, 1, Width.SHORT, "Auto create")
            .define(AUTO_EVOLVE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Add a nullable column when the value schema gains a field.", DDL_GROUP, 2, Width.SHORT, "Auto evolve");

    private final String connectionUrl;
    private final String user;
    private final Password password;
    private final TableNameFormat tableNameFormat;
    private final DeleteMode deleteMode;
    private final boolean autoCreate;
    private final boolean autoEvolve;
    private final int batchSize;

    public WarehouseSinkConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
        connectionUrl = getString(CONNECTION_URL).trim();
        user = getString(CONNECTION_USER);
        password = getPassword(CONNECTION_PASSWORD);
        tableNameFormat = new TableNameFormat(getString(TABLE_NAME_FORMAT));
        deleteMode = DeleteMode.parse(getString(DELETE_MODE));
        autoCreate = getBoolean(AUTO_CREATE);
        autoEvolve = getBoolean(AUTO_EVOLVE);
        batchSize = getInt(BATCH_SIZE);
    }

    public String connectionUrl() { return connectionUrl; }
    public String user() { return user; }
    /** The password in clear, or null; never log it. */
    public String password() { return password == null ? null : password.value(); }
    public TableNameFormat tableNameFormat() { return tableNameFormat; }
    public DeleteMode deleteMode() { return deleteMode; }
    public boolean autoCreate() { return autoCreate; }
    public boolean autoEvolve() { return autoEvolve; }
    public int batchSize() { return batchSize; }
}
