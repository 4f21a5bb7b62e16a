package dev.sluice.sink.config;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
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
    public static final String SCHEMA_CHANGE_POLICY = "schema.change.policy";
    public static final String BATCH_SIZE = "batch.size";
    public static final String PK_MODE = "pk.mode";
    public static final String PK_FIELDS = "pk.fields";
    public static final String INSERT_MODE = "insert.mode";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
    public static final String RETRY_BACKOFF_MAX_MS = "retry.backoff.max.ms";
    public static final String HISTORY_TABLES = "history.tables";

    private static final String CONNECTION_GROUP = "Connection";
    private static final String WRITES_GROUP = "Writes";
    private static final String DDL_GROUP = "DDL";
    private static final String KEY_GROUP = "Primary key";
    private static final String RETRY_GROUP = "Retries";

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
            .define(TABLE_NAME_FORMAT, Type.STRING, TableNameFormat.DEFAULT, new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "Target table name for a topic: ${table} is the topic's last dot-separated part, ${schema} the one "
                            + "before it (both decoded from the topic name encoding, docs/naming.md), ${topic} the whole "
                            + "topic. The result is one quoted identifier. A table belongs to the first topic that reaches "
                            + "it (_sluice_tables): records of another topic mapping to it, or to a name starting with "
                            + "_sluice_, go to the dead-letter queue with the reason (e.g. use ${schema}_${table}).",
                    WRITES_GROUP, 1, Width.MEDIUM, "Table name format")
            .define(DELETE_MODE, Type.STRING, "soft", ConfigDef.CaseInsensitiveValidString.in("soft", "hard", "none"),
                    Importance.MEDIUM,
                    "soft: keep the row with __deleted = true and the delete's version (replays cannot resurrect it); "
                            + "hard: delete the row when the delete is newer; none: ignore deletes.",
                    WRITES_GROUP, 2, Width.SHORT, "Delete mode")
            .define(BATCH_SIZE, Type.INT, 10_000, ConfigDef.Range.atLeast(1), Importance.MEDIUM,
                    "Buffered records at which put() waits for the write in flight and starts the next; below it, "
                            + "records are written once no write runs and 2,000 are buffered, the oldest waited 100 ms, or the poll came back short at under 2,000 records/s.",
                    WRITES_GROUP, 3, Width.SHORT, "Batch size")
            .define(INSERT_MODE, Type.STRING, "upsert", ConfigDef.CaseInsensitiveValidString.in("upsert", "insert"),
                    Importance.MEDIUM,
                    "upsert: insert a new key, update a stored row when the incoming __version is newer; insert: insert a "
                            + "new key and never change a stored row (with pk.mode=none: append every record).",
                    WRITES_GROUP, 4, Width.SHORT, "Insert mode")
            .define(HISTORY_TABLES, Type.LIST, "", Importance.MEDIUM,
                    "Target tables that also keep an SCD type 2 history in <table>_history, comma separated: every "
                            + "version of a row with valid_from, valid_to (source commit ms, half-open, NULL while "
                            + "current), is_current, is_deleted and __version, ordered by __version; written in the same "
                            + "transaction as the table. Deletes are recorded under every delete.mode. Needs a primary key "
                            + "(not pk.mode=none). See docs/history.md.",
                    WRITES_GROUP, 5, Width.LONG, "History tables")
            .define(PK_MODE, Type.STRING, "record_key",
                    ConfigDef.CaseInsensitiveValidString.in("record_key", "record_value", "none"), Importance.MEDIUM,
                    "Where the primary key comes from: record_key (the record key's fields, or those named in pk.fields), "
                            + "record_value (the value fields named in pk.fields) or none (no key: append only, needs "
                            + "insert.mode=insert, and delete.mode=hard is refused).",
                    KEY_GROUP, 1, Width.SHORT, "Primary key mode")
            .define(PK_FIELDS, Type.LIST, null, Importance.MEDIUM,
                    "Primary-key columns, comma separated. record_key: empty means every key field, else a subset of them; "
                            + "record_value: required, value fields. validate() checks them against an existing target table "
                            + "of the listed topics; each record is checked too (a record lacking one goes to the dead-letter "
                            + "queue, or fails the task when there is none).",
                    KEY_GROUP, 2, Width.LONG, "Primary key fields")
            .define(AUTO_CREATE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Create a missing target table from the record schema (primary key from the record key).",
                    DDL_GROUP, 1, Width.SHORT, "Auto create")
            .define(AUTO_EVOLVE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Let schema.change.policy change existing tables; false stops at any change, as "
                            + "schema.change.policy=fail does.", DDL_GROUP, 2, Width.SHORT, "Auto evolve")
            .define(SCHEMA_CHANGE_POLICY, Type.STRING, "evolve", ConfigDef.CaseInsensitiveValidString.in("evolve", "fail", "ignore"),
                    Importance.MEDIUM,
                    "What to do when records no longer fit their table (a new column, a renamed column, a type the "
                            + "column cannot hold): evolve (add the column with the source's default for existing rows, "
                            + "rename it, widen its type), fail (stop the task before writing the batch, naming table, "
                            + "column and change; nothing is lost) or ignore (keep the table, leave such fields out and "
                            + "count them in sluice.sink.fields.dropped). A dropped column stays in the table and gets NULL "
                            + "in new rows under every policy.",
                    DDL_GROUP, 3, Width.SHORT, "Schema change policy")
            .define(MAX_RETRIES, Type.INT, 10, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "Retries of a failed batch write (the task reconnects when the connection broke) before the task fails. "
                            + "With the default backoff the task outlives a database outage of about three minutes.",
                    RETRY_GROUP, 1, Width.SHORT, "Max retries")
            .define(RETRY_BACKOFF_MS, Type.LONG, 1000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "Wait before the first retry; each further retry waits twice as long, up to retry.backoff.max.ms.",
                    RETRY_GROUP, 2, Width.SHORT, "Retry backoff (ms)")
            .define(RETRY_BACKOFF_MAX_MS, Type.LONG, 30_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "The longest wait between two retries (Kafka clients' name for the same cap).",
                    RETRY_GROUP, 3, Width.SHORT, "Max retry backoff (ms)");

    private final String connectionUrl;
    private final String user;
    private final Password password;
    private final TableNameFormat tableNameFormat;
    private final DeleteMode deleteMode;
    private final boolean autoCreate;
    private final boolean autoEvolve;
    private final SchemaChangePolicy schemaChangePolicy;
    private final int batchSize;
    private final PkMode pkMode;
    private final List<String> pkFields;
    private final InsertMode insertMode;
    private final int maxRetries;
    private final long retryBackoffMs;
    private final long retryBackoffMaxMs;
    private final Set<String> historyTables;

    public WarehouseSinkConfig(Map<?, ?> props) {
        super(CONFIG_DEF, props);
        connectionUrl = getString(CONNECTION_URL).trim();
        user = getString(CONNECTION_USER);
        password = getPassword(CONNECTION_PASSWORD);
        tableNameFormat = new TableNameFormat(getString(TABLE_NAME_FORMAT));
        deleteMode = DeleteMode.parse(getString(DELETE_MODE));
        autoCreate = getBoolean(AUTO_CREATE);
        autoEvolve = getBoolean(AUTO_EVOLVE);
        schemaChangePolicy = SchemaChangePolicy.parse(getString(SCHEMA_CHANGE_POLICY));
        batchSize = getInt(BATCH_SIZE);
        pkMode = PkMode.parse(getString(PK_MODE));
        pkFields = getList(PK_FIELDS) == null ? List.of() : getList(PK_FIELDS).stream().map(String::trim).toList();
        insertMode = InsertMode.parse(getString(INSERT_MODE));
        maxRetries = getInt(MAX_RETRIES);
        retryBackoffMs = getLong(RETRY_BACKOFF_MS);
        retryBackoffMaxMs = getLong(RETRY_BACKOFF_MAX_MS);
        historyTables = getList(HISTORY_TABLES).stream().map(String::trim).filter(t -> !t.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        String historyProblem = historyProblem(pkMode, historyTables);
        if (historyProblem != null) {
            throw new ConfigException(HISTORY_TABLES, getList(HISTORY_TABLES), historyProblem);
        }
        KeyRules.problems(pkMode, pkFields, insertMode, deleteMode).entrySet().stream().findFirst().ifPresent(p -> {
            throw new ConfigException(p.getKey(), originals().get(p.getKey()), p.getValue());
        });
    }

    public String connectionUrl() { return connectionUrl; }
    public String user() { return user; }
    /** The password in clear, or null; never log it. */
    public String password() { return password == null ? null : password.value(); }
    public TableNameFormat tableNameFormat() { return tableNameFormat; }
    public DeleteMode deleteMode() { return deleteMode; }
    public boolean autoCreate() { return autoCreate; }
    public boolean autoEvolve() { return autoEvolve; }
    /** The policy in force: auto.evolve=false means fail, whatever schema.change.policy says. */
    public SchemaChangePolicy schemaChangePolicy() { return autoEvolve ? schemaChangePolicy : SchemaChangePolicy.FAIL; }
    public int batchSize() { return batchSize; }
    public PkMode pkMode() { return pkMode; }
    /** Trimmed; empty when not set. */
    public List<String> pkFields() { return pkFields; }
    public InsertMode insertMode() { return insertMode; }
    public int maxRetries() { return maxRetries; }
    public long retryBackoffMs() { return retryBackoffMs; }
    public long retryBackoffMaxMs() { return retryBackoffMaxMs; }
    /** Why these history tables cannot be kept with this key mode, or null when they can. */
    public static String historyProblem(PkMode pkMode, Collection<String> historyTables) {
        return historyTables.isEmpty() || pkMode != PkMode.NONE ? null : "A history needs each row's key, and pk.mode=none "
                + "has none; set pk.mode=record_key (or record_value with pk.fields) or leave history.tables empty.";
    }

    /** Target tables keeping a {@code _history} table; empty when none. */
    public Set<String> historyTables() { return historyTables; }
    /** The wait before retry number {@code retry} (0-based): doubling from retry.backoff.ms, capped. */
    public long backoffBeforeRetry(int retry) {
        long wait = retryBackoffMs;
        for (int i = 0; i < retry && wait < retryBackoffMaxMs; i++) {
            wait *= 2;
        }
        return Math.min(wait, retryBackoffMaxMs);
    }
}
