package dev.sluice.cli.config;

import dev.sluice.cli.local.SinkConnectorConfig;
import dev.sluice.cli.secret.PasswordInUrl;
import dev.sluice.ingest.IngestSettings;
import dev.sluice.ingest.TransactionBound;
import dev.sluice.schemas.kafka.RecordSizeLimit;
import dev.sluice.transforms.state.BoundedRocksDbMemory;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.schemas.registry.SchemaRegistryConfig;
import dev.sluice.sink.config.SchemaChangePolicy;
import dev.sluice.sink.config.TableNameFormat;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One section of {@code sluice.yaml}: its settings declared once (type, default, validator, documentation, the
 * command-line flag that overrides it), the way {@code WarehouseSinkConfig} declares the sink's. The environment
 * variable of a setting is {@code SLUICE_<SECTION>_<KEY>}, upper-cased, '.' and '-' as '_' ({@link #envName}).
 * Defaults come from the services' own constants, so the CLI does not declare them a second time.
 */
public enum Section {

    KAFKA("kafka", "Kafka client settings for every service. Any other Kafka client setting (security.protocol, "
            + "ssl.*, sasl.*, tuning) is passed through as is to every producer, consumer, admin client, Streams app and "
            + "Connect worker; in the environment as SLUICE_KAFKA_<NAME> with '.' as '_'.", true,
            new ConfigDef().define("bootstrap.servers", Type.LIST, ConfigDef.NO_DEFAULT_VALUE, nonEmptyList(),
                    Importance.HIGH, "Kafka brokers, HOST:PORT[,HOST:PORT].")
                    .define(RecordSizeLimit.SETTING, Type.LONG, RecordSizeLimit.DEFAULT_BYTES,
                            Range.between(RecordSizeLimit.MIN_BYTES, RecordSizeLimit.MAX_BYTES), Importance.MEDIUM,
                            "The largest record (serialised key + value) Sluice carries: every producer "
                                    + "(max.request.size, buffer.memory), consumer (max.partition.fetch.bytes, "
                                    + "fetch.max.bytes), Streams app, Connect worker, topic Sluice creates or raises "
                                    + "(max.message.bytes) and local mode's broker (message.max.bytes) allow it plus 1 MiB. "
                                    + "A larger change stops ingest with one sentence naming the table and key. "
                                    + "Brokers you run yourself need message.max.bytes at least this plus 1 MiB "
                                    + "(docs/cdc-ingest.md, large rows).")),
    SCHEMA_REGISTRY("schema-registry", "Where the services find the Schema Registry, and how they log in to it.", false,
            new ConfigDef()
                    .define("url", Type.STRING, ConfigDef.NO_DEFAULT_VALUE, httpUrl(), Importance.HIGH,
                            "Base URL of the Schema Registry REST API, e.g. http://registry:8081.")
                    .define(SchemaRegistryConfig.BASIC_AUTH_USER_INFO, Type.PASSWORD, null, userInfo(), Importance.MEDIUM,
                            "USER:PASSWORD for HTTP basic auth, as Confluent's client takes it; empty: no auth.")
                    .define("ssl.truststore.location", Type.STRING, null, null, Importance.LOW,
                            "Truststore (JKS or PKCS12) with the CA of an https:// registry; empty: the JVM's trust.")
                    .define("ssl.truststore.password", Type.PASSWORD, null, Importance.LOW, "Password of that truststore.")
                    .define("ssl.truststore.type", Type.STRING, "PKCS12", ValidString.in("PKCS12", "JKS"), Importance.LOW,
                            "Type of that truststore.")),
    HTTP("http", "Where a service serves /metrics and /health.", false,
            new ConfigDef().define("port", Type.INT, 8080, Range.between(0, 65535), Importance.MEDIUM,
                    "Port of /metrics (Prometheus) and /health/live, /health/ready; 0 picks a free port.")),
    INGEST("ingest", "sluice ingest: PostgreSQL changes into Kafka change topics.", false, new ConfigDef()
            .define("source.url", Type.STRING, ConfigDef.NO_DEFAULT_VALUE, postgresUrl("ingest"), Importance.HIGH,
                    "The database to capture, postgresql://USER@HOST:PORT/DB[?sslmode=verify-full&...]; query "
                            + "parameters go to the JDBC driver and Debezium.")
            .define("source.password", Type.PASSWORD, null, Importance.HIGH,
                    "Password of the source user (never in the URL); empty: PGPASSWORD.")
            .define("tables", Type.LIST, List.of(), null, Importance.HIGH,
                    "Tables to capture, SCHEMA.TABLE,...; empty: every table with a primary key.")
            .define("snapshot.mode", Type.STRING, IngestSettings.DEFAULT_SNAPSHOT_MODE, snapshotMode(), Importance.MEDIUM,
                    "Snapshot mode: initial (existing rows in resumable chunks while changes stream), never or no_data "
                            + "(changes only), when_needed, initial_only, always (blocking snapshot).")
            .define("slot", Type.STRING, IngestSettings.DEFAULT_SLOT_NAME, null, Importance.MEDIUM, "Replication slot.")
            .define("publication", Type.STRING, IngestSettings.DEFAULT_PUBLICATION_NAME, null, Importance.MEDIUM,
                    "Publication.")
            .define("control.schema", Type.STRING, IngestSettings.DEFAULT_CONTROL_SCHEMA, new ConfigDef.NonEmptyString(),
                    Importance.LOW, "Schema of Sluice's signal and heartbeat tables (<slot>_signal, <slot>_heartbeat) in "
                            + "the source; give the ingest user a schema of its own, where no other role owns them.")
            .define("slot.lag.warning.mb", Type.LONG, IngestSettings.DEFAULT_SLOT_LAG_WARNING_BYTES >> 20,
                    Range.atLeast(1), Importance.LOW, "Log a warning while the slot holds more WAL than this (MB).")
            .define("partitions", Type.INT, IngestSettings.DEFAULT_TOPIC_PARTITIONS, Range.atLeast(1), Importance.MEDIUM,
                    "Partitions of new change topics.")
            .define("heartbeat.interval.ms", Type.LONG, IngestSettings.DEFAULT_HEARTBEAT_INTERVAL.toMillis(),
                    Range.atLeast(1), Importance.LOW, "How often the source position is sent downstream, so the "
                            + "warehouse knows it is complete up to it even while tables are idle.")
            .define("transaction.max.changes", Type.INT, TransactionBound.DEFAULT.maxChanges(), Range.atLeast(1),
                    Importance.LOW, "A Kafka transaction commits once it holds this many changes, even inside a large "
                            + "source transaction or the initial load (docs/cdc-ingest.md, bounded Kafka transactions).")
            .define("transaction.max.bytes", Type.LONG, TransactionBound.DEFAULT.maxBytes(), Range.atLeast(1),
                    Importance.LOW, "... or this many serialised bytes.")
            .define("transaction.max.age.ms", Type.LONG, TransactionBound.DEFAULT.maxAge().toMillis(), Range.atLeast(1),
                    Importance.LOW, "... or once it is this old; keep it well below the brokers' transaction.max.timeout.ms.")
            .define("load.chunk.size", Type.INT, IngestSettings.DEFAULT_LOAD_CHUNK_SIZE, Range.atLeast(1), Importance.LOW,
                    "Rows per chunk of the initial load and of backfills. Each chunk costs two watermark writes read back "
                            + "through the WAL and one Kafka transaction; larger chunks read a little faster in ingest "
                            + "but show the first rows later and hold longer Kafka transactions, and a chunk's rows are "
                            + "held in memory until it closes (lower it for very wide rows).")),
    TRANSFORM("transform", "sluice transform: change topics into row topics, and pipeline specs.", false, new ConfigDef()
            .define("state.dir", Type.STRING, ".sluice/streams", nonEmpty(), Importance.HIGH, "Local state (RocksDB).")
            .define("specs", Type.LIST, List.of(), null, Importance.MEDIUM,
                    "Pipeline specs (YAML files or directories of them) to run beside replication.")
            .define("replication", Type.BOOLEAN, true, null, Importance.MEDIUM,
                    "Run the replication pipeline; false runs only the specs.")
            .define("rocksdb.memory.mb", Type.LONG, BoundedRocksDbMemory.DEFAULT_MEMORY_BYTES >> 20, Range.atLeast(16),
                    Importance.MEDIUM, "Bound on RocksDB block cache + memtables of all stores in the process (MB); "
                            + "size the memory limit to heap plus this.")
            .define("standby.replicas", Type.INT, 0, Range.atLeast(0), Importance.MEDIUM,
                    "Warm copies of each task's state on other instances, so a failed instance's tasks resume "
                            + "without restoring their changelogs.")
            .define("instance.id", Type.STRING, null, null, Importance.MEDIUM,
                    "Static group membership under this id (unique per instance, stable across restarts, e.g. the "
                            + "pod name): a restart within the session timeout gets its tasks back without a rebalance.")),
    CONNECT("connect", "sluice connect: a Kafka Connect worker writing row topics into the warehouse.", false,
            new ConfigDef()
                    .define("warehouse", Type.STRING, ConfigDef.NO_DEFAULT_VALUE, warehouseUrl("connect"), Importance.HIGH,
                            "jdbc:duckdb:FILE or jdbc:postgresql://HOST:PORT/DB.")
                    .define("warehouse.user", Type.STRING, null, null, Importance.HIGH,
                            "PostgreSQL warehouse user; empty: PGUSER, else postgres.")
                    .define("warehouse.password", Type.PASSWORD, null, Importance.HIGH,
                            "PostgreSQL warehouse password (never in the URL); empty: PGPASSWORD. A ${env:...} or ${file:...} reference "
                                    + "reaches the connector as the reference: Connect resolves it, its REST API never "
                                    + "shows the secret.")
                    .define("work.dir", Type.STRING, ".sluice/connect", nonEmpty(), Importance.MEDIUM, "Worker state.")
                    .define("schema.change.policy", Type.STRING, SinkConnectorConfig.DEFAULT_POLICY, policy(),
                            Importance.MEDIUM, "What the sink does when rows no longer fit their table: evolve, fail "
                                    + "or ignore.")
                    .define("specs", Type.LIST, List.of(), null, Importance.MEDIUM,
                            "Also sink the output topics of these pipeline specs.")
                    .define("history.tables", Type.LIST, List.of(), null, Importance.MEDIUM, historyDoc())
                    .define("table.name.format", Type.STRING, TableNameFormat.DEFAULT, nonEmpty(), Importance.MEDIUM,
                            tableNameFormatDoc())),
    REGISTRY("registry", "sluice registry: the embedded Schema Registry as a service.", false, new ConfigDef()
            .define("port", Type.INT, 8081, Range.between(0, 65535), Importance.HIGH,
                    "Port of the REST API; 0 picks a free port.")
            .define("topic", Type.STRING, EmbeddedSchemaRegistry.DEFAULT_TOPIC, nonEmpty(), Importance.LOW,
                    "Topic the schemas are kept in.")),
    LINEAGE("lineage", "OpenLineage run events of every service (docs/lineage.md): START, RUNNING, COMPLETE or FAIL per "
            + "job, with its input and output datasets. Off unless url or file is set.", false, new ConfigDef()
            .define("url", Type.STRING, null, httpUrl(), Importance.MEDIUM,
                    "OpenLineage HTTP endpoint each event is POSTed to as JSON, e.g. Marquez's "
                            + "http://marquez:5000/api/v1/lineage; empty: none.")
            .define("file", Type.STRING, null, null, Importance.MEDIUM,
                    "File each event is appended to as one line of JSON; empty: none.")
            .define("namespace", Type.STRING, dev.sluice.cli.lineage.LineageSettings.DEFAULT_NAMESPACE, nonEmpty(),
                    Importance.MEDIUM, "Namespace of the jobs (ingest.<slot>, transform.<pipeline>, connect.<connector>): "
                            + "one per deployment.")
            .define("running.interval.ms", Type.LONG, 60_000L, Range.atLeast(1000), Importance.LOW,
                    "How often each job sends a RUNNING event (sinks with the completeness frontier).")
            .define("timeout.ms", Type.LONG, 5_000L, Range.atLeast(1), Importance.LOW,
                    "Connect and request timeout of the HTTP endpoint; a failed send is logged and dropped.")),
    LOCAL("local", "sluice local: the whole pipeline in one JVM. sluice reconcile reads its source and warehouse "
            + "settings too.", false, new ConfigDef()
            .define("source.url", Type.STRING, null, postgresUrl("local"), Importance.HIGH,
                    "Replicate this PostgreSQL database instead of the demo.")
            .define("source.password", Type.PASSWORD, null, Importance.HIGH,
                    "Password of the source user (never in the URL); empty: PGPASSWORD.")
            .define("tables", Type.LIST, List.of(), null, Importance.HIGH,
                    "Tables to replicate; empty: every table with a primary key.")
            .define("warehouse", Type.STRING, null, warehouseUrl("local"), Importance.HIGH,
                    "jdbc:duckdb:FILE or jdbc:postgresql://HOST:PORT/DB; empty: DuckDB at <home>/warehouse.duckdb.")
            .define("warehouse.user", Type.STRING, null, null, Importance.MEDIUM, "PostgreSQL warehouse user.")
            .define("warehouse.password", Type.PASSWORD, null, Importance.MEDIUM,
                    "PostgreSQL warehouse password (never in the URL); empty: PGPASSWORD.")
            .define("schema.change.policy", Type.STRING, SinkConnectorConfig.DEFAULT_POLICY, policy(), Importance.MEDIUM,
                    "What the sink does when rows no longer fit their table: evolve, fail or ignore.")
            .define("history.tables", Type.LIST, List.of(), null, Importance.MEDIUM, historyDoc())
            .define("table.name.format", Type.STRING, TableNameFormat.DEFAULT, nonEmpty(), Importance.MEDIUM,
                    tableNameFormatDoc())
            .define("snapshot.mode", Type.STRING, IngestSettings.DEFAULT_SNAPSHOT_MODE, snapshotMode(), Importance.MEDIUM,
                    "Debezium snapshot mode.")
            .define("home", Type.STRING, null, null, Importance.MEDIUM,
                    "Where local mode keeps its state; empty: .sluice, or .sluice/<database>-<host>-<port>.")
            .define("kafka.port", Type.INT, 9092, Range.between(0, 65535), Importance.LOW, "Kafka listener port.")
            .define("registry.port", Type.INT, 8081, Range.between(0, 65535), Importance.LOW, "Schema registry port.")
            .define("postgres.port", Type.INT, 5433, Range.between(0, 65535), Importance.LOW, "Port of the demo PostgreSQL.")
            .define("rate", Type.INT, 200, Range.atLeast(0), Importance.LOW, "Demo load in changes per second.")
            .define("status.interval.ms", Type.LONG, 5000L, Range.atLeast(1), Importance.LOW,
                    "How often to print the status line."));

    private final String key;
    private final String doc;
    private final boolean openEnded;
    private final ConfigDef def;

    Section(String key, String doc, boolean openEnded, ConfigDef def) {
        this.key = key;
        this.doc = doc;
        this.openEnded = openEnded;
        this.def = def;
    }

    /** The section's name in the file. */
    public String key() {
        return key;
    }

    public String doc() {
        return doc;
    }

    /** Whether keys beyond the declared ones are allowed (Kafka client pass-through). */
    public boolean openEnded() {
        return openEnded;
    }

    public ConfigDef def() {
        return def;
    }

    /** {@code SLUICE_INGEST_SOURCE_URL} for ingest's {@code source.url}. */
    public String envName(String setting) {
        return ("SLUICE_" + key + "_" + setting).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The setting an environment variable of this open-ended section names: SLUICE_KAFKA_SASL_MECHANISM -> sasl.mechanism. */
    String settingOfEnv(String envName) {
        String prefix = envName("");
        return envName.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    public static Section byKey(String key) {
        for (Section s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }

    /** Flags that override a setting, for the docs: section key -> setting -> flag. */
    public static final Map<String, Map<String, String>> FLAGS = flags();

    private static Map<String, Map<String, String>> flags() {
        Map<String, Map<String, String>> f = new LinkedHashMap<>();
        f.put("kafka", Map.of("bootstrap.servers", "--bootstrap-servers", RecordSizeLimit.SETTING, "--max-record-bytes",
                "*", "--kafka-property KEY=VALUE"));
        f.put("schema-registry", Map.of("url", "--registry-url"));
        f.put("http", Map.of("port", "--http-port"));
        f.put("ingest", Map.of("source.url", "--source-url", "tables", "--tables", "snapshot.mode", "--snapshot-mode",
                "slot", "--slot", "publication", "--publication", "control.schema", "--control-schema", "slot.lag.warning.mb", "--slot-lag-warning-mb",
                "partitions", "--partitions", "heartbeat.interval.ms", "--heartbeat-interval"));
        f.put("transform", Map.of("state.dir", "--state-dir", "specs", "--spec", "replication", "--no-replication"));
        f.put("connect", Map.of("warehouse", "--warehouse", "work.dir", "--work-dir",
                "schema.change.policy", "--schema-change-policy", "specs", "--spec", "history.tables", "--history",
                "table.name.format", "--table-name-format"));
        f.put("registry", Map.of("port", "--port", "topic", "--topic"));
        Map<String, String> local = new LinkedHashMap<>(Map.of("source.url", "--source-url", "tables", "--tables",
                "warehouse", "--warehouse", "schema.change.policy", "--schema-change-policy",
                "snapshot.mode", "--snapshot-mode", "home", "--home", "kafka.port", "--kafka-port",
                "registry.port", "--registry-port", "postgres.port", "--postgres-port", "rate", "--rate"));
        local.put("status.interval.ms", "--status-interval");
        local.put("history.tables", "--history");
        local.put("table.name.format", "--table-name-format");
        f.put("local", local);
        return f;
    }

    private static String tableNameFormatDoc() {
        return "The sink's table.name.format: the warehouse table of source table schema.table; ${table} (the table's "
                + "name), ${schema}_${table} when two schemas hold tables of one name. A table already holding another "
                + "source table's rows is never shared: the second table's records go to the dead-letter topic "
                + "(docs/naming.md).";
    }

    private static String historyDoc() {
        return "Warehouse tables that also keep an SCD type 2 history in <table>_history (every version with valid_from, "
                + "valid_to, is_current, is_deleted; docs/history.md), e.g. orders,customers.";
    }

    // ---- validators: each failure is a whole sentence with the fix (Settings passes it through unchanged)

    /** A validator's complaint, already one sentence naming the setting, the value and the fix. */
    static final class Complaint extends ConfigException {
        Complaint(String sentence) {
            super(sentence);
        }
    }

    private static ConfigDef.Validator of(String description, java.util.function.BiConsumer<String, Object> check) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                check.accept(name, value);
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    private static ConfigDef.Validator nonEmpty() {
        return of("non-empty", (name, value) -> {
            if (value == null || value.toString().isBlank()) {
                throw new Complaint(name + " is empty; give it a value or leave it out for the default.");
            }
        });
    }

    private static ConfigDef.Validator nonEmptyList() {
        return of("HOST:PORT,...", (name, value) -> {
            if (value instanceof List<?> l && (l.isEmpty() || l.stream().anyMatch(x -> x.toString().isBlank()))) {
                throw new Complaint(name + " is empty; give at least one HOST:PORT.");
            }
        });
    }

    private static ConfigDef.Validator httpUrl() {
        return of("http:// or https:// URL", (name, value) -> {
            if (value != null && !value.toString().startsWith("http://") && !value.toString().startsWith("https://")) {
                throw new Complaint(name + " '" + value + "' is not an http:// or https:// URL; write it like "
                        + "http://registry:8081.");
            }
        });
    }

    private static ConfigDef.Validator userInfo() {
        return of("USER:PASSWORD", (name, raw) -> {
            Object value = raw instanceof org.apache.kafka.common.config.types.Password p ? p.value() : raw;
            if (value != null && !value.toString().isEmpty() && !value.toString().contains(":")) {
                // the value is a secret: not repeated
                throw new Complaint(name + " has no ':'; write it as USER:PASSWORD.");
            }
        });
    }

    /**
     * Where a section's password goes instead of its URL: the setting (a reference or the value), its environment
     * variable, or libpq's PGPASSWORD.
     */
    private static String passwordSetting(String section, String key) {
        return section + "." + key + " in the --config file (best a ${env:VAR} or ${file:PATH:KEY} reference), "
                + ("SLUICE_" + section + "_" + key).toUpperCase(Locale.ROOT).replace('.', '_') + " or PGPASSWORD";
    }

    private static ConfigDef.Validator postgresUrl(String section) {
        return of("postgresql://USER@HOST:PORT/DB[?PARAMS]", (name, value) -> {
            String where = value == null ? null : PasswordInUrl.where(value.toString());
            if (where != null) {
                throw new Complaint(PasswordInUrl.sentence(name, where, passwordSetting(section, "source.password")));
            }
            if (value != null) {
                try {
                    dev.sluice.cli.source.SourceUrl.parse(value.toString());
                } catch (IllegalArgumentException e) {
                    throw new Complaint(name + " '" + dev.sluice.cli.source.SourceUrl.withoutPassword(value.toString())
                            + "' is not a PostgreSQL URL; write it as postgresql://USER@HOST:PORT/DATABASE.");
                }
            }
        });
    }

    private static ConfigDef.Validator warehouseUrl(String section) {
        return of("jdbc:duckdb:FILE or jdbc:postgresql://HOST:PORT/DB", (name, value) -> {
            String v = value == null ? null : value.toString().trim();
            String where = PasswordInUrl.where(v);
            if (where != null) {
                throw new Complaint(PasswordInUrl.sentence(name, where, passwordSetting(section, "warehouse.password")));
            }
            if (v != null && !v.startsWith("jdbc:duckdb:") && !v.startsWith("jdbc:postgresql://")
                    && !v.startsWith("postgresql://") && !v.startsWith("postgres://")) {
                throw new Complaint(name + " '" + v + "' is neither jdbc:duckdb:FILE nor jdbc:postgresql://HOST:PORT/DB;"
                        + " pass one of those.");
            }
        });
    }

    private static ConfigDef.Validator snapshotMode() {
        return of(String.join(", ", IngestSettings.SNAPSHOT_MODES), (name, value) -> {
            try {
                IngestSettings.checkSnapshotMode((String) value);
            } catch (IllegalArgumentException e) {
                throw new Complaint(e.getMessage());
            }
        });
    }

    private static ConfigDef.Validator policy() {
        return of(SinkConnectorConfig.POLICIES, (name, value) -> {
            try {
                SchemaChangePolicy.parse((String) value);
            } catch (IllegalArgumentException e) {
                throw new Complaint(name + " '" + value + "' is not a schema change policy; use one of "
                        + SinkConnectorConfig.POLICIES + ".");
            }
        });
    }
}
