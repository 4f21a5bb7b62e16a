package dev.sluice.ingest;

import dev.sluice.ingest.source.TableId;
import dev.sluice.schemas.kafka.RecordSizeLimit;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Everything the ingest service needs, typed and immutable. Built fluently with {@link #builder()};
 * {@link Builder#build()} rejects a missing or malformed setting with one sentence naming it, so
 * the rest of the service receives only valid values.
 */
public final class IngestSettings {

    public static final String DEFAULT_TOPIC_PREFIX = "sluice";
    public static final String DEFAULT_SLOT_NAME = "sluice";
    public static final String DEFAULT_PUBLICATION_NAME = "sluice";
    public static final String DEFAULT_SNAPSHOT_MODE = "initial";
    public static final int DEFAULT_SOURCE_PORT = 5432;
    public static final int DEFAULT_TOPIC_PARTITIONS = 1;
    public static final short DEFAULT_REPLICATION_FACTOR = 1;
    public static final Duration DEFAULT_OFFSET_FLUSH_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_KAFKA_TIMEOUT = Duration.ofSeconds(10);
    /** The brokers' default {@code transaction.max.timeout.ms}; the {@link TransactionBound} keeps every transaction well within it. */
    public static final Duration DEFAULT_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);
    public static final String DEFAULT_CONTROL_SCHEMA = "public";
    /**
     * Rows per chunk of an initial load or backfill (Debezium's incremental snapshot). Each chunk costs a round trip
     * of two watermarks through the WAL and one Kafka transaction; a chunk is held in memory while its window is open,
     * and is one Kafka transaction unless the transaction bound cuts it. 16,384 rows read about 6% faster in ingest
     * but no faster end to end on a quiet machine (docs/benchmarks.md), with the first rows later and transactions
     * 2.4 times as long, so 4,096 stays.
     */
    public static final int DEFAULT_LOAD_CHUNK_SIZE = 4_096;
    /** Slot lag (WAL the source keeps for us) above which a warning is logged: 1 GiB. */
    public static final long DEFAULT_SLOT_LAG_WARNING_BYTES = 1L << 30;
    public static final Duration DEFAULT_SLOT_LAG_CHECK_INTERVAL = Duration.ofSeconds(10);
    /** Debezium's snapshot modes that make sense for Sluice; the ones a user is most likely to want first. */
    public static final List<String> SNAPSHOT_MODES = List.of("initial", "never", "when_needed", "no_data", "initial_only", "always");

    // PostgreSQL accepts only these characters in replication slot names.
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

    private final String sourceHost;
    private final int sourcePort;
    private final String database;
    private final String user;
    private final String password;
    private final List<TableId> tables;
    private final String topicPrefix;
    private final String slotName;
    private final String publicationName;
    private final String bootstrapServers;
    private final String schemaRegistryUrl;
    private final int topicPartitions;
    private final short replicationFactor;
    private final String snapshotMode;
    private final String offsetsTopic;
    private final Duration offsetFlushInterval;
    private final Duration heartbeatInterval;
    private final Duration kafkaTimeout;
    private final Duration transactionTimeout;
    private final TransactionBound transactionBound;
    private final int loadChunkSize;
    private final String controlSchema;
    private final long slotLagWarningBytes;
    private final Duration slotLagCheckInterval;
    private final Map<String, String> debeziumProperties;
    private final Map<String, String> kafkaProperties;
    private final RecordSizeLimit recordSizeLimit;
    private final Map<String, String> jdbcParameters;
    private final Map<String, String> registryProperties;

    private IngestSettings(Builder b) {
        this.sourceHost = b.sourceHost;
        this.sourcePort = b.sourcePort;
        this.database = b.database;
        this.user = b.user;
        this.password = b.password;
        this.tables = List.copyOf(b.tables);
        this.topicPrefix = b.topicPrefix;
        this.slotName = b.slotName;
        this.publicationName = b.publicationName;
        this.bootstrapServers = b.bootstrapServers;
        this.schemaRegistryUrl = b.schemaRegistryUrl;
        this.topicPartitions = b.topicPartitions;
        this.replicationFactor = b.replicationFactor;
        this.snapshotMode = b.snapshotMode;
        this.offsetsTopic = b.offsetsTopic != null ? b.offsetsTopic : b.topicPrefix + "-offsets";
        this.offsetFlushInterval = b.offsetFlushInterval;
        this.heartbeatInterval = b.heartbeatInterval;
        this.kafkaTimeout = b.kafkaTimeout;
        this.transactionTimeout = b.transactionTimeout;
        this.transactionBound = b.transactionBound;
        this.loadChunkSize = b.loadChunkSize;
        this.controlSchema = b.controlSchema;
        this.slotLagWarningBytes = b.slotLagWarningBytes;
        this.slotLagCheckInterval = b.slotLagCheckInterval;
        this.debeziumProperties = Map.copyOf(b.debeziumProperties);
        this.kafkaProperties = Map.copyOf(b.kafkaProperties);
        this.recordSizeLimit = b.recordSizeLimit;
        this.registryProperties = Map.copyOf(b.registryProperties);
        this.jdbcParameters = Collections.unmodifiableMap(new LinkedHashMap<>(b.jdbcParameters));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this object's values, to derive a variant. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.sourceHost = sourceHost;
        b.sourcePort = sourcePort;
        b.database = database;
        b.user = user;
        b.password = password;
        b.tables = new ArrayList<>(tables);
        b.topicPrefix = topicPrefix;
        b.slotName = slotName;
        b.publicationName = publicationName;
        b.bootstrapServers = bootstrapServers;
        b.schemaRegistryUrl = schemaRegistryUrl;
        b.topicPartitions = topicPartitions;
        b.replicationFactor = replicationFactor;
        b.snapshotMode = snapshotMode;
        b.offsetsTopic = offsetsTopic;
        b.offsetFlushInterval = offsetFlushInterval;
        b.heartbeatInterval = heartbeatInterval;
        b.kafkaTimeout = kafkaTimeout;
        b.transactionTimeout = transactionTimeout;
        b.transactionBound = transactionBound;
        b.loadChunkSize = loadChunkSize;
        b.controlSchema = controlSchema;
        b.slotLagWarningBytes = slotLagWarningBytes;
        b.slotLagCheckInterval = slotLagCheckInterval;
        b.debeziumProperties = new LinkedHashMap<>(debeziumProperties);
        b.kafkaProperties = new LinkedHashMap<>(kafkaProperties);
        b.recordSizeLimit = recordSizeLimit;
        b.jdbcParameters = new LinkedHashMap<>(jdbcParameters);
        b.registryProperties = new LinkedHashMap<>(registryProperties);
        return b;
    }

    public String sourceHost() { return sourceHost; }
    public int sourcePort() { return sourcePort; }
    public String database() { return database; }
    public String user() { return user; }
    public String password() { return password; }
    /** The tables to capture; empty means every table with a primary key outside the system schemas. */
    public List<TableId> tables() { return tables; }
    public String topicPrefix() { return topicPrefix; }
    public String slotName() { return slotName; }
    public String publicationName() { return publicationName; }
    public String bootstrapServers() { return bootstrapServers; }
    public String schemaRegistryUrl() { return schemaRegistryUrl; }
    public int topicPartitions() { return topicPartitions; }
    public short replicationFactor() { return replicationFactor; }
    /** Debezium's {@code snapshot.mode}: {@code initial}, {@code no_data}, {@code never}, ... */
    public String snapshotMode() { return snapshotMode; }

    /**
     * True for {@code initial}: the existing rows are loaded by an incremental snapshot of each table at the first
     * start (chunks committed as they are read, resumable), not by Debezium's blocking snapshot.
     */
    public boolean loadsInChunks() { return DEFAULT_SNAPSHOT_MODE.equals(snapshotMode); }
    /** The compacted topic holding the source offsets (Debezium's {@code offset.storage.topic}). */
    public String offsetsTopic() { return offsetsTopic; }
    public Duration offsetFlushInterval() { return offsetFlushInterval; }
    public Duration heartbeatInterval() { return heartbeatInterval; }
    /** How long a Kafka admin call (reachability, topic creation) may take before it counts as failed. */
    public Duration kafkaTimeout() { return kafkaTimeout; }
    /**
     * Kafka's {@code transaction.timeout.ms} for the ingest producer; it must exceed the age of
     * {@link #transactionBound()} and not exceed the brokers' {@code transaction.max.timeout.ms}.
     */
    public Duration transactionTimeout() { return transactionTimeout; }

    /** How much one Kafka transaction may hold before it commits, even inside a source transaction. */
    public TransactionBound transactionBound() { return transactionBound; }

    /** Rows per chunk of an initial load or backfill ({@link #DEFAULT_LOAD_CHUNK_SIZE}). */
    public int loadChunkSize() { return loadChunkSize; }

    /**
     * The producer's {@code transactional.id}, stable for a topic prefix and slot: a restarted
     * ingest process fences its predecessor and resolves the transaction it left open.
     */
    public String transactionalId() {
        return "sluice-ingest-" + topicPrefix + "-" + slotName;
    }
    /** Extra Debezium connector/engine properties, applied last (they override ours). */
    public Map<String, String> debeziumProperties() { return debeziumProperties; }
    /** The source schema holding Sluice's own signal and heartbeat tables. */
    public String controlSchema() { return controlSchema; }
    /** Slot lag above which a warning is logged. */
    public long slotLagWarningBytes() { return slotLagWarningBytes; }
    /** How often the slot lag is measured. */
    public Duration slotLagCheckInterval() { return slotLagCheckInterval; }

    /**
     * Kafka client settings (TLS, SASL, tuning) for every client of the service: the producer, the admin clients and
     * the offset store's consumer. The exactly-once essentials (transactional id, idempotence, acks) still win.
     */
    public Map<String, String> kafkaProperties() { return kafkaProperties; }
    /** The largest change ingest publishes ({@code kafka.max.record.bytes}), and the client and topic limits that follow. */
    public RecordSizeLimit recordSizeLimit() { return recordSizeLimit; }

    /**
     * PostgreSQL JDBC driver parameters of the source (e.g. {@code sslmode=verify-full}, {@code sslrootcert=...}),
     * in the order given: part of {@link #jdbcUrl()} and handed to Debezium as {@code database.<name>}.
     */
    public Map<String, String> jdbcParameters() { return jdbcParameters; }

    /** Schema Registry client settings beside the URL ({@code basic.auth.user.info}, truststore); see SchemaRegistryConfig. */
    public Map<String, String> registryProperties() { return registryProperties; }

    /** Looks up a pass-through Debezium property. */
    public Optional<String> debeziumProperty(String key) {
        return Optional.ofNullable(debeziumProperties.get(Objects.requireNonNull(key)));
    }

    /** {@code host:port/database}, as shown in messages. */
    public String sourceAddress() {
        return sourceHost + ":" + sourcePort + "/" + database;
    }

    public String jdbcUrl() {
        String url = "jdbc:postgresql://" + sourceHost + ":" + sourcePort + "/" + database;
        if (jdbcParameters.isEmpty()) {
            return url;
        }
        return url + "?" + jdbcParameters.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        // never the password
        return "IngestSettings{source=" + user + "@" + sourceAddress() + ", tables=" + tables
                + ", topicPrefix=" + topicPrefix + ", slot=" + slotName + ", publication=" + publicationName
                + ", kafka=" + bootstrapServers + ", registry=" + schemaRegistryUrl
                + ", partitions=" + topicPartitions + ", replicationFactor=" + replicationFactor
                + ", snapshotMode=" + snapshotMode + ", offsetsTopic=" + offsetsTopic + "}";
    }

    /** Rejects a snapshot mode Sluice does not offer, with one sentence listing the ones it does. */
    public static String checkSnapshotMode(String mode) {
        if (mode == null || !SNAPSHOT_MODES.contains(mode)) {
            throw new IllegalArgumentException("Snapshot mode '" + mode + "' is not one of " + String.join(", ", SNAPSHOT_MODES)
                    + "; pick one of them with --snapshot-mode.");
        }
        return mode;
    }

    /** Fluent builder; {@link #build()} validates. */
    public static final class Builder {
        private String sourceHost;
        private int sourcePort = DEFAULT_SOURCE_PORT;
        private String database;
        private String user;
        private String password = "";
        private List<TableId> tables = new ArrayList<>();
        private String topicPrefix = DEFAULT_TOPIC_PREFIX;
        private String slotName = DEFAULT_SLOT_NAME;
        private String publicationName = DEFAULT_PUBLICATION_NAME;
        private String bootstrapServers;
        private String schemaRegistryUrl;
        private int topicPartitions = DEFAULT_TOPIC_PARTITIONS;
        private short replicationFactor = DEFAULT_REPLICATION_FACTOR;
        private String snapshotMode = DEFAULT_SNAPSHOT_MODE;
        private String offsetsTopic;
        private Duration offsetFlushInterval = DEFAULT_OFFSET_FLUSH_INTERVAL;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration kafkaTimeout = DEFAULT_KAFKA_TIMEOUT;
        private Duration transactionTimeout = DEFAULT_TRANSACTION_TIMEOUT;
        private TransactionBound transactionBound = TransactionBound.DEFAULT;
        private int loadChunkSize = DEFAULT_LOAD_CHUNK_SIZE;
        private String controlSchema = DEFAULT_CONTROL_SCHEMA;
        private long slotLagWarningBytes = DEFAULT_SLOT_LAG_WARNING_BYTES;
        private Duration slotLagCheckInterval = DEFAULT_SLOT_LAG_CHECK_INTERVAL;
        private Map<String, String> debeziumProperties = new LinkedHashMap<>();
        private Map<String, String> kafkaProperties = new LinkedHashMap<>();
        private RecordSizeLimit recordSizeLimit = RecordSizeLimit.DEFAULT;
        private Map<String, String> jdbcParameters = new LinkedHashMap<>();
        private Map<String, String> registryProperties = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder sourceHost(String host) { this.sourceHost = host; return this; }
        public Builder sourcePort(int port) { this.sourcePort = port; return this; }
        public Builder database(String database) { this.database = database; return this; }
        public Builder user(String user) { this.user = user; return this; }
        public Builder password(String password) { this.password = password == null ? "" : password; return this; }

        /** Replaces the table list; each entry is {@code schema.table}. Empty = all tables with a key. */
        public Builder tables(List<String> qualifiedNames) {
            List<TableId> parsed = new ArrayList<>();
            for (String name : qualifiedNames) {
                if (!name.isBlank()) {
                    parsed.add(TableId.parse(name));
                }
            }
            this.tables = parsed;
            return this;
        }

        public Builder tables(String... qualifiedNames) { return tables(List.of(qualifiedNames)); }
        public Builder topicPrefix(String prefix) { this.topicPrefix = prefix; return this; }
        public Builder slotName(String slotName) { this.slotName = slotName; return this; }
        public Builder publicationName(String name) { this.publicationName = name; return this; }
        public Builder bootstrapServers(String servers) { this.bootstrapServers = servers; return this; }
        public Builder schemaRegistryUrl(String url) { this.schemaRegistryUrl = url; return this; }
        public Builder topicPartitions(int partitions) { this.topicPartitions = partitions; return this; }
        public Builder replicationFactor(int factor) { this.replicationFactor = (short) factor; return this; }
        public Builder snapshotMode(String mode) { this.snapshotMode = mode; return this; }
        /** Overrides the default {@code <prefix>-offsets}. */
        public Builder offsetsTopic(String topic) { this.offsetsTopic = topic; return this; }
        public Builder offsetFlushInterval(Duration interval) { this.offsetFlushInterval = interval; return this; }
        public Builder heartbeatInterval(Duration interval) { this.heartbeatInterval = interval; return this; }
        public Builder kafkaTimeout(Duration timeout) { this.kafkaTimeout = timeout; return this; }
        public Builder transactionTimeout(Duration timeout) { this.transactionTimeout = timeout; return this; }
        public Builder transactionBound(TransactionBound bound) { this.transactionBound = bound; return this; }
        public Builder loadChunkSize(int rows) { this.loadChunkSize = rows; return this; }
        public Builder controlSchema(String schema) { this.controlSchema = schema; return this; }
        public Builder slotLagWarningBytes(long bytes) { this.slotLagWarningBytes = bytes; return this; }
        public Builder slotLagCheckInterval(Duration interval) { this.slotLagCheckInterval = interval; return this; }
        public Builder debeziumProperty(String key, String value) { this.debeziumProperties.put(key, value); return this; }
        public Builder debeziumProperties(Map<String, String> properties) { this.debeziumProperties.putAll(properties); return this; }
        /** Kafka client settings for the producer, admin clients and offset store (TLS, SASL, tuning). */
        public Builder kafkaProperties(Map<String, String> properties) { this.kafkaProperties.putAll(properties); return this; }
        public Builder recordSizeLimit(RecordSizeLimit limit) { this.recordSizeLimit = limit; return this; }
        /** PostgreSQL JDBC driver parameters of the source, e.g. {@code sslmode=verify-full}. */
        /** Schema Registry client settings beside the URL, e.g. {@code basic.auth.user.info}. */
        public Builder registryProperties(Map<String, String> properties) { this.registryProperties.putAll(properties); return this; }
        public Builder jdbcParameters(Map<String, String> parameters) { this.jdbcParameters.putAll(parameters); return this; }

        /** Validates and freezes; throws {@link IllegalArgumentException} naming the bad setting. */
        public IngestSettings build() {
            require(sourceHost, "source host", "--source-host");
            require(database, "source database", "--database");
            require(user, "source user", "--user");
            require(bootstrapServers, "Kafka bootstrap servers", "--bootstrap-servers");
            require(schemaRegistryUrl, "schema registry URL", "--schema-registry-url");
            check(sourcePort > 0 && sourcePort < 65536, "Source port " + sourcePort + " is not a TCP port; use 1-65535.");
            check(topicPartitions >= 1, "Topic partitions must be at least 1, got " + topicPartitions + ".");
            check(replicationFactor >= 1, "Replication factor must be at least 1, got " + replicationFactor + ".");
            check(topicPrefix != null && TOPIC_NAME.matcher(topicPrefix).matches(),
                    "Topic prefix '" + topicPrefix + "' is not a valid Kafka topic name part; use letters, digits, '.', '_' or '-'.");
            check(offsetsTopic == null || TOPIC_NAME.matcher(offsetsTopic).matches(),
                    "Offsets topic '" + offsetsTopic + "' is not a valid Kafka topic name; use letters, digits, '.', '_' or '-'.");
            check(slotName != null && SLOT_NAME.matcher(slotName).matches(),
                    "Slot name '" + slotName + "' is not a valid replication slot name; use lower-case letters, digits and '_' (at most 63).");
            check(publicationName != null && !publicationName.isBlank(), "Publication name must not be empty.");
            checkSnapshotMode(snapshotMode);
            check(controlSchema != null && !controlSchema.isBlank(), "The control schema (for Sluice's signal and heartbeat tables) must not be empty.");
            check(slotLagWarningBytes > 0, "The slot lag warning threshold must be positive, got " + slotLagWarningBytes + " bytes.");
            checkPositive(slotLagCheckInterval, "Slot lag check interval");
            checkPositive(offsetFlushInterval, "Offset flush interval");
            checkPositive(heartbeatInterval, "Heartbeat interval");
            checkPositive(kafkaTimeout, "Kafka timeout");
            checkPositive(transactionTimeout, "Transaction timeout");
            check(transactionTimeout.toMillis() <= Integer.MAX_VALUE,
                    "Transaction timeout " + transactionTimeout + " is too long; Kafka takes at most " + Integer.MAX_VALUE + " ms.");
            check(loadChunkSize >= 1, "The load chunk size must be at least 1 row, got " + loadChunkSize + ".");
            check(transactionBound != null, "The Kafka transaction bound must be set.");
            check(transactionBound.maxAge().compareTo(transactionTimeout) < 0, "The Kafka transaction bound's age "
                    + transactionBound.maxAge() + " must be shorter than the transaction timeout " + transactionTimeout
                    + ", else the coordinator aborts a transaction before the bound commits it; lower the age or raise the timeout.");
            return new IngestSettings(this);
        }

        private static void require(String value, String what, String option) {
            check(value != null && !value.isBlank(), "The " + what + " is missing; set it with " + option + ".");
        }

        private static void checkPositive(Duration d, String what) {
            check(d != null && !d.isNegative() && !d.isZero(), what + " must be positive, got " + d + ".");
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
