package dev.sluice.cli.types;

import dev.sluice.cli.PipelineInfrastructure;
import dev.sluice.cli.demo.DemoSchema;
import dev.sluice.cli.local.ReplicationPipeline;
import dev.sluice.cli.local.WarehouseTarget;
import dev.sluice.cli.source.SourceUrl;
import dev.sluice.schemas.domain.DomainSchemas;
import dev.sluice.schemas.registry.RestSchemaRegistryClient;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every common PostgreSQL type travels through the real pipeline (Debezium with its default settings -> Avro in
 * the registry wire format -> Kafka Streams -> Connect sink) into a DuckDB and a PostgreSQL warehouse, through the
 * snapshot and through streamed inserts and updates, NULLs included, and arrives with an equal value.
 * Values are compared as values ({@link TypedValues}), never as the text a driver happens to print.
 *
 * <p>Where a warehouse cannot hold a source value exactly, this is what Sluice does (and what the test expects):
 * <ul>
 *   <li>{@code interval}: Debezium's default {@code interval.handling.mode=numeric} sends microseconds with a
 *       month counted as 30.4375 days, so {@code 1 mon} arrives as {@code 30 days 10:30:00}. Both warehouses store
 *       an INTERVAL equal to Debezium's microseconds; the test compares that number. (Set
 *       {@code interval.handling.mode=string} to carry months exactly: the sink reads that form too.)</li>
 *   <li>{@code timetz}: Debezium normalises to UTC, so the instant of the day survives and the original offset
 *       does not; compared at UTC.</li>
 *   <li>{@code numeric} without precision and {@code numeric(p,s)} with p > 38: DuckDB's DECIMAL stops at 38
 *       digits, so DuckDB stores the exact decimal text in a VARCHAR (cast it to compute); PostgreSQL stores
 *       NUMERIC. No digit is lost in either.</li>
 *   <li>enum: arrives as its label, stored as text; {@code json} is stored as JSONB in PostgreSQL (key order and
 *       whitespace are not kept, the value is) and JSON in DuckDB.</li>
 *   <li>Not covered here: numeric NaN and ±Infinity and timestamp/timestamptz/date infinity ({@code SourceValuesIT}
 *       carries them), dates BC.</li>
 * </ul>
 * The same run also proves that the topics are readable by any registry client (plain consumer, REST API, Avro) and
 * that the demo tables' row topics match the domain schemas in {@code schemas/src/main/avro}.
 */
class TypeCoverageIT {

    private static final String TABLE = "all_types";

    /** name -> SQL type; the order is the table's column order. */
    static final Map<String, String> COLUMNS = columns();

    @TempDir
    static Path work;

    private static PipelineInfrastructure infra;

    @BeforeAll
    static void start() {
        infra = PipelineInfrastructure.start("types_source", "types_warehouse");
    }

    @AfterAll
    static void stop() {
        infra.close();
    }

    @Test
    void everyCommonTypeArrivesInBothWarehousesWithAnEqualValue() throws Exception {
        SourceUrl source = infra.source("types_source");
        WarehouseTarget duckdb = PipelineInfrastructure.duckDb(work.resolve("types.duckdb"));
        WarehouseTarget pgWarehouse = infra.postgresWarehouse("types_warehouse");
        try (Connection c = infra.postgres.connect("types_source"); Statement s = c.createStatement()) {
            s.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
            s.execute("CREATE TABLE " + TABLE + " (id integer PRIMARY KEY, " + String.join(", ",
                    COLUMNS.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()) + ")");
            // before capture starts: these arrive through the snapshot
            s.execute(insert(1, Rows.TYPICAL));
            s.execute(insert(2, Rows.EXTREME));
            s.execute(insert(3, Rows.NULLS));
            // never changed later: their final values are the ones the snapshot carried
            s.execute("SET TIME ZONE 'Pacific/Chatham'");
            s.execute(insert(8, Rows.TYPICAL));
            s.execute(insert(9, Rows.EXTREME));
            DemoSchema.create(c);
            s.execute("INSERT INTO customers (id, email, name, region) VALUES (1, 'a@example.com', 'Ada', 'eu')");
            s.execute("INSERT INTO products (id, name, category, price) VALUES (1, 'Lamp', 'home', 19.90)");
            s.execute("INSERT INTO orders VALUES (1, 1, 'paid', 19.90, now(), now())");
            s.execute("INSERT INTO order_items VALUES (1, 1, 1, 1, 19.90)");
        }

        try (ReplicationPipeline pipeline = ReplicationPipeline.start(ReplicationPipeline.Settings.of(
                infra.kafka.bootstrapServers(), infra.registry.url(), source, tables(), List.of(duckdb, pgWarehouse),
                work.resolve("state")))) {
            try (Connection c = infra.postgres.connect("types_source"); Statement s = c.createStatement()) {
                // streamed: inserts written in other session time zones, and updates in every direction
                s.execute("SET TIME ZONE 'Asia/Kolkata'");
                s.execute(insert(4, Rows.TYPICAL));
                s.execute("SET TIME ZONE 'America/Los_Angeles'");
                s.execute(insert(5, Rows.EXTREME));
                s.execute(insert(6, Rows.NULLS));
                s.execute(update(1, Rows.EXTREME));   // every value changes
                s.execute(update(2, Rows.NULLS));     // every value becomes NULL
                s.execute(update(3, Rows.TYPICAL));   // every NULL becomes a value
                s.execute("INSERT INTO " + TABLE + " (id) VALUES (7)");
            }
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(read(pgWarehouse.open(), false)).isEqualTo(read(infra.postgres.connect("types_source"), false)));
            assertThat(pipeline.awaitDrained(Duration.ofMinutes(1))).isTrue();
        }

        Map<Integer, Map<String, Object>> expected = read(infra.postgres.connect("types_source"), false);
        assertThat(expected).hasSize(9);
        assertThat(expected.get(1).values()).as("row 1 holds a value in every column").doesNotContainNull();
        assertThat(expected.get(2).values()).as("row 2 holds NULL in every column").containsOnlyNulls();
        assertThat(expected.get(1).get("num_free")).as("a value beyond double precision is in the data").isNotNull();
        Map<Integer, Map<String, Object>> inPostgres = read(pgWarehouse.open(), false);
        // DuckDB is read once the sink has let go of the file (one process, one writer)
        Map<Integer, Map<String, Object>> inDuckDb = read(duckdb.open(), true);
        for (int id : expected.keySet()) {
            assertThat(inPostgres.get(id)).as("PostgreSQL warehouse row " + id).isEqualTo(expected.get(id));
            assertThat(inDuckDb.get(id)).as("DuckDB warehouse row " + id).isEqualTo(expected.get(id));
        }
        assertThat(inPostgres).hasSameSizeAs(expected);
        assertThat(inDuckDb).hasSameSizeAs(expected);

        recordsAreReadableWithoutSluice();
        demoRowTopicsAreDescribedByTheDomainSchemas();
    }

    private static List<String> tables() {
        List<String> tables = new java.util.ArrayList<>(List.of("public." + TABLE));
        DomainSchemas.TABLES.forEach(t -> tables.add("public." + t));
        return tables;
    }

    /**
     * The .avsc files in schemas/src/main/avro say what the demo pipeline's replica.* topics carry: each reads what
     * the pipeline registered and the other way round, field for field.
     */
    private static void demoRowTopicsAreDescribedByTheDomainSchemas() {
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(infra.registry.url());
        for (String table : DomainSchemas.TABLES) {
            org.apache.avro.Schema registered = client.latest("replica.public." + table + "-value").schema();
            org.apache.avro.Schema domain = DomainSchemas.row(table);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(domain, registered).getType())
                    .as(table + ".avsc reads " + registered).isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(registered, domain).getType())
                    .as(registered + " reads " + table + ".avsc").isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
            assertThat(registered.getFields()).extracting(org.apache.avro.Schema.Field::name)
                    .isEqualTo(domain.getFields().stream().map(org.apache.avro.Schema.Field::name).toList());
            assertThat(registered.getFullName()).isEqualTo(domain.getFullName());
        }
    }

    /**
     * Another registry client's view: the change topic (written by cdc-ingest through AvroConverter) and the row
     * topic (written by stream-transforms) read with a plain Kafka consumer, the REST API and Avro alone, logical
     * types through Avro's own conversions. Every change is there and the values are the source's.
     */
    private static void recordsAreReadableWithoutSluice() throws Exception {
        List<GenericRecord> changes = PlainAvroReader.readAll(infra.kafka.bootstrapServers(), infra.registry.url(), "sluice.public." + TABLE);
        // snapshot reads of rows 1-3, 8, 9, inserts of 4-7, updates of 1-3
        assertThat(changes).extracting(r -> r.get("op").toString()).containsExactlyInAnyOrder(
                "r", "r", "r", "r", "r", "c", "c", "c", "c", "u", "u", "u");
        GenericRecord insertOf5 = changes.stream().filter(r -> r.get("op").toString().equals("c")
                && ((GenericRecord) r.get("after")).get("id").equals(5)).findFirst().orElseThrow();
        assertExtremeRow((GenericRecord) insertOf5.get("after"));

        List<GenericRecord> rows = PlainAvroReader.readAll(infra.kafka.bootstrapServers(), infra.registry.url(), "replica.public." + TABLE);
        assertThat(rows).hasSize(12);
        assertExtremeRow(rows.stream().filter(r -> r.get("id").equals(5)).findFirst().orElseThrow());
        assertThat(rows).filteredOn(r -> r.get("id").equals(6)).singleElement()
                .satisfies(r -> COLUMNS.keySet().forEach(c -> assertThat(r.get(c)).as(c).isNull()));
    }

    private static void assertExtremeRow(GenericRecord row) {
        assertThat(row.get("num_wide")).isEqualTo(new BigDecimal("1234567890123456789012345678.0123456789"));
        assertThat(row.get("num_huge")).isEqualTo(new BigDecimal("1234567890123456789012345678901234567890.12345678901234567890"));
        assertThat(row.get("c_double")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(row.get("c_real")).isEqualTo(Float.NaN);
        assertThat(row.get("c_bigint")).isEqualTo(Long.MIN_VALUE);
        assertThat(new java.util.ArrayList<Object>((List<?>) row.get("c_int_array"))).isEqualTo(List.of(Integer.MAX_VALUE));
        assertThat(java.time.OffsetDateTime.parse(row.get("c_timestamptz").toString()).toInstant())
                .isEqualTo(java.time.OffsetDateTime.parse("1969-12-31T23:59:59.999999-08:00").toInstant());
        assertThat(row.get("c_enum").toString()).isEqualTo("sad");
    }

    private static Map<String, String> columns() {
        Map<String, String> c = new java.util.LinkedHashMap<>();
        c.put("c_smallint", "smallint");
        c.put("c_integer", "integer");
        c.put("c_bigint", "bigint");
        c.put("num_money", "numeric(12,2)");
        c.put("num_wide", "numeric(38,10)");
        c.put("num_huge", "numeric(60,20)");
        c.put("num_free", "numeric");
        c.put("c_real", "real");
        c.put("c_double", "double precision");
        c.put("c_boolean", "boolean");
        c.put("c_text", "text");
        c.put("c_varchar", "varchar(20)");
        c.put("c_char", "char(6)");
        c.put("c_bytea", "bytea");
        c.put("c_date", "date");
        c.put("c_time", "time");
        c.put("c_timetz", "timetz");
        c.put("c_timestamp", "timestamp");
        c.put("c_timestamptz", "timestamptz");
        c.put("c_interval", "interval");
        c.put("c_uuid", "uuid");
        c.put("c_json", "json");
        c.put("c_jsonb", "jsonb");
        c.put("c_text_array", "text[]");
        c.put("c_int_array", "integer[]");
        c.put("c_enum", "mood");
        return c;
    }

    /** SQL literals per column, for the three kinds of rows. */
    static final class Rows {
        static final Map<String, String> TYPICAL = Map.ofEntries(
                Map.entry("c_smallint", "12"), Map.entry("c_integer", "123456"), Map.entry("c_bigint", "9876543210"),
                Map.entry("num_money", "1234.50"), Map.entry("num_wide", "12345678.0123456789"),
                Map.entry("num_huge", "1.5"), Map.entry("num_free", "42.125"),
                Map.entry("c_real", "1.25"), Map.entry("c_double", "3.141592653589793"), Map.entry("c_boolean", "true"),
                Map.entry("c_text", "'héllo, \"world\"\nsecond line'"), Map.entry("c_varchar", "'short'"),
                Map.entry("c_char", "'ab'"), Map.entry("c_bytea", "'\\x00ff10'::bytea"),
                Map.entry("c_date", "'2024-02-29'"), Map.entry("c_time", "'13:45:30.123456'"),
                Map.entry("c_timetz", "'13:45:30.5+02:00'"), Map.entry("c_timestamp", "'2024-06-01 12:34:56.789012'"),
                Map.entry("c_timestamptz", "'2024-06-01 12:34:56.789012+05:30'"),
                Map.entry("c_interval", "'3 days 04:05:06.789'"),
                Map.entry("c_uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"),
                Map.entry("c_json", "'{\"b\": [1, 2.5, null], \"a\": {\"x\": \"y\"}}'"),
                Map.entry("c_jsonb", "'{\"k\": true, \"n\": 10}'"),
                Map.entry("c_text_array", "ARRAY['a', 'b c', 'quote\"d', NULL]"),
                Map.entry("c_int_array", "ARRAY[1, NULL, -3]"), Map.entry("c_enum", "'happy'"));

        static final Map<String, String> EXTREME = Map.ofEntries(
                Map.entry("c_smallint", "-32768"), Map.entry("c_integer", "2147483647"),
                Map.entry("c_bigint", "-9223372036854775808"),
                Map.entry("num_money", "-9999999999.99"),
                Map.entry("num_wide", "1234567890123456789012345678.0123456789"),
                Map.entry("num_huge", "1234567890123456789012345678901234567890.12345678901234567890"),
                Map.entry("num_free", "-123456789012345678901234567890.123456789012345678901234567890"),
                Map.entry("c_real", "'NaN'"), Map.entry("c_double", "'-Infinity'"), Map.entry("c_boolean", "false"),
                Map.entry("c_text", "''"), Map.entry("c_varchar", "'exactly twenty chars'"),
                Map.entry("c_char", "'abcdef'"), Map.entry("c_bytea", "''::bytea"),
                Map.entry("c_date", "'1900-01-01'"), Map.entry("c_time", "'23:59:59.999999'"),
                Map.entry("c_timetz", "'00:00:00.000001-08:00'"), Map.entry("c_timestamp", "'1901-12-13 20:45:52.000001'"),
                Map.entry("c_timestamptz", "'1969-12-31 23:59:59.999999-08:00'"),
                Map.entry("c_interval", "'1 year 2 mons 3 days 04:05:06.789'"),
                Map.entry("c_uuid", "'00000000-0000-0000-0000-000000000000'"),
                Map.entry("c_json", "'[]'"), Map.entry("c_jsonb", "'\"just a string\"'"),
                Map.entry("c_text_array", "'{}'::text[]"), Map.entry("c_int_array", "ARRAY[2147483647]"),
                Map.entry("c_enum", "'sad'"));

        static final Map<String, String> NULLS = Map.of();

        private Rows() {
        }
    }

    private static String insert(int id, Map<String, String> values) {
        List<String> names = COLUMNS.keySet().stream().toList();
        return "INSERT INTO " + TABLE + " (id, " + String.join(", ", names) + ") VALUES (" + id + ", "
                + String.join(", ", names.stream().map(n -> values.getOrDefault(n, "NULL")).toList()) + ")";
    }

    private static String update(int id, Map<String, String> values) {
        return "UPDATE " + TABLE + " SET " + String.join(", ", COLUMNS.keySet().stream()
                .map(n -> n + " = " + values.getOrDefault(n, "NULL")).toList()) + " WHERE id = " + id;
    }

    /** Rows by id, each column read as a comparable value by its source type; soft-deleted warehouse rows left out. */
    private static Map<Integer, Map<String, Object>> read(Connection connection, boolean duckDb) throws SQLException {
        Map<Integer, Map<String, Object>> rows = new TreeMap<>();
        try (connection; Statement s = connection.createStatement();
             var rs = s.executeQuery("SELECT * FROM " + TABLE)) {
            boolean softDeletes = hasColumn(rs, "__deleted");
            while (rs.next()) {
                if (softDeletes && rs.getBoolean("__deleted")) {
                    continue;
                }
                Map<String, Object> row = new TreeMap<>();
                for (Map.Entry<String, String> column : COLUMNS.entrySet()) {
                    row.put(column.getKey(), TypedValues.read(rs, column.getKey(), column.getValue(), duckDb));
                }
                rows.put(rs.getInt("id"), row);
            }
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().contains(TABLE)) {
                return rows; // the sink has not created the table yet
            }
            throw e;
        }
        return rows;
    }

    private static boolean hasColumn(java.sql.ResultSet rs, String column) throws SQLException {
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            if (rs.getMetaData().getColumnName(i).equalsIgnoreCase(column)) {
                return true;
            }
        }
        return false;
    }
}
