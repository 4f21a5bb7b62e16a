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
 * Every common PostgreSQL type travels through the real pipeline (Sluice's ingest settings -> Avro in the registry
 * wire format -> Kafka Streams -> Connect sink) into a DuckDB and a PostgreSQL warehouse, through the initial load and
 * through streamed inserts and updates, NULLs included, and arrives with an equal value ({@link TypedValues}).
 * In the PostgreSQL warehouse it arrives exactly: every column cast back to the source type prints as the source
 * column does (interval with months, bit strings with length and leading zeros, money, arrays, an enum, ranges, json
 * with a \u0000 escape, duplicate key and spacing, jsonb); DuckDB holds the nearest type (docs/sink-connectors.md).
 *
 * <p>Where a warehouse cannot hold a source value exactly, this is what Sluice does (and what the test expects):
 * <ul>
 *   <li>{@code timetz}: Debezium's streaming decoder turns it to UTC before any converter sees it, so the instant of
 *       the day survives and the original offset does not; compared at UTC.</li>
 *   <li>{@code numeric} without precision and {@code numeric(p,s)} with p > 38: DuckDB's DECIMAL stops at 38
 *       digits, so DuckDB stores the exact decimal text in a VARCHAR (cast it to compute); PostgreSQL stores
 *       NUMERIC. No digit is lost in either.</li>
 *   <li>enum: arrives as its label, stored as text (the warehouse has no such type unless the user creates it, as this
 *       test does to cast it back); varbit and ranges are text in DuckDB.</li>
 *   <li>Not covered here: numeric NaN and ±Infinity and timestamp/timestamptz/date infinity ({@code SourceValuesIT}
 *       carries them), dates BC, money beyond ±2^53 cents (the initial load reads money through the driver's double).</li>
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
        // both keep a history too: its table is created and staged with the same types
        WarehouseTarget duckdb = PipelineInfrastructure.duckDb(work.resolve("types.duckdb")).withHistory(List.of(TABLE));
        WarehouseTarget pgWarehouse = infra.postgresWarehouse("types_warehouse").withHistory(List.of(TABLE));
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
        try (Connection c = infra.postgres.connect("types_warehouse"); Statement s = c.createStatement()) {
            s.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')"); // the user's, to cast the enum's text back
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
        Map<Integer, List<String>> sourceText = asSourceText(infra.postgres.connect("types_source"), TABLE);
        assertThat(asSourceText(pgWarehouse.open(), TABLE)).as("PostgreSQL warehouse columns cast back to the source types")
                .isEqualTo(sourceText);
        assertThat(asSourceText(pgWarehouse.open(), TABLE + "_history WHERE is_current"))
                .as("the current versions in the PostgreSQL warehouse's history").isEqualTo(sourceText);
        duckDbHoldsTheNearestTypes(duckdb.open(), sourceText);
        assertThat(postgresTypes(pgWarehouse.open())).as("the PostgreSQL warehouse's columns have the source's types")
                .containsAllEntriesOf(Map.of("c_bit", "bit(5)", "c_varbit", "bit varying(16)", "c_json", "json",
                        "c_jsonb", "jsonb", "c_interval", "interval", "c_int4range", "int4range", "c_tstzrange", "tstzrange",
                        "c_money", "numeric(19,2)", "c_text_array", "text[]", "c_int_array", "integer[]"));

        recordsAreReadableWithoutSluice();
        demoRowTopicsAreDescribedByTheDomainSchemas();
    }

    /**
     * Per row, each column cast to its source type and printed by PostgreSQL: the warehouse's equal the source's. The
     * exception is timetz, compared at UTC: Debezium's streaming decoder turns it to UTC before any converter sees it.
     */
    private static Map<Integer, List<String>> asSourceText(Connection connection, String from) throws SQLException {
        String columns = String.join(", ", COLUMNS.entrySet().stream().map(c -> c.getValue().equals("timetz")
                ? "timezone('UTC', " + c.getKey() + "::timetz)::text" : c.getKey() + "::" + c.getValue() + "::text").toList());
        Map<Integer, List<String>> rows = new TreeMap<>();
        try (connection; Statement s = connection.createStatement();
             var rs = s.executeQuery("SELECT id, " + columns + " FROM " + from)) {
            while (rs.next()) {
                List<String> values = new java.util.ArrayList<>();
                for (int i = 2; i <= COLUMNS.size() + 1; i++) {
                    values.add(rs.getString(i));
                }
                rows.put(rs.getInt(1), values);
            }
        }
        return rows;
    }

    private static Map<String, String> postgresTypes(Connection warehouse) throws SQLException {
        Map<String, String> types = new TreeMap<>();
        try (warehouse; Statement s = warehouse.createStatement();
             var rs = s.executeQuery("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute"
                     + " WHERE attrelid = '" + TABLE + "'::regclass AND attnum > 0")) {
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
        }
        return types;
    }

    /** DuckDB's nearest types, as docs/sink-connectors.md states them, for the streamed rows 4 (typical) and 5 (extreme). */
    private static void duckDbHoldsTheNearestTypes(Connection connection, Map<Integer, List<String>> sourceText) throws SQLException {
        try (Connection duckDb = connection) {
            duckDbHoldsTheNearestTypesIn(duckDb, sourceText);
        }
    }

    private static void duckDbHoldsTheNearestTypesIn(Connection duckDb, Map<Integer, List<String>> sourceText) throws SQLException {
        int range = List.copyOf(COLUMNS.keySet()).indexOf("c_tstzrange");
        try (Statement s = duckDb.createStatement();
             var rs = s.executeQuery("SELECT c_bit::VARCHAR, typeof(c_bit), c_varbit, c_money::VARCHAR, typeof(c_money),"
                     + " c_int4range, c_tstzrange, c_json::VARCHAR, typeof(c_json), c_interval::VARCHAR, c_timetz::VARCHAR"
                     + " FROM " + TABLE + " WHERE id IN (4, 5) ORDER BY id")) {
            assertThat(rs.next()).isTrue();
            assertThat(List.of(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)))
                    .containsExactly("10101", "BIT", "0001011", "1234.50", "DECIMAL(19,2)");
            assertThat(rs.getString(6)).isEqualTo("[1,10)");
            assertThat(rs.getString(7)).as("the range as the source printed it (ingest's session time zone, this JVM's)")
                    .isEqualTo(sourceText.get(4).get(range));
            assertThat(rs.getString(8)).as("json text as written, \\u0000, spacing and duplicate key included")
                    .isEqualTo("{\"b\": [1, 2.5, null],  \"a\": {\"x\": \"y\\u0000z\"}, \"b\": 1}");
            assertThat(rs.getString(9)).isEqualTo("JSON");
            assertThat(rs.getString(11)).as("timetz at UTC").isEqualTo("22:35:06.789+00");
            assertThat(rs.next()).isTrue();
            assertThat(List.of(rs.getString(1), rs.getString(3), rs.getString(4), rs.getString(6), rs.getString(7)))
                    .containsExactly("00000", "", "-999999999999.99", "empty", "[-infinity,infinity)");
            assertThat(rs.getString(10)).as("months kept apart from days").isEqualTo("1 year 2 months 3 days 04:05:06.789");
        }
        try (Statement s = duckDb.createStatement();
             var rs = s.executeQuery("SELECT count(*), count(DISTINCT c_bit::VARCHAR) FROM " + TABLE + "_history WHERE is_current")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).as("one current version per row in DuckDB's history").isEqualTo(sourceText.size());
            assertThat(rs.getInt(2)).as("B'10101' and B'00000'").isEqualTo(2);
        }
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
        c.put("c_bit", "bit(5)");
        c.put("c_varbit", "varbit(16)");
        c.put("c_money", "money");
        c.put("c_int4range", "int4range");
        c.put("c_tstzrange", "tstzrange");
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
                Map.entry("c_timetz", "'04:05:06.789+05:30'"), Map.entry("c_timestamp", "'2024-06-01 12:34:56.789012'"),
                Map.entry("c_timestamptz", "'2024-06-01 12:34:56.789012+05:30'"),
                Map.entry("c_interval", "'3 days 04:05:06.789'"),
                Map.entry("c_uuid", "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'"),
                Map.entry("c_json", "'{\"b\": [1, 2.5, null],  \"a\": {\"x\": \"y\\u0000z\"}, \"b\": 1}'"),
                Map.entry("c_jsonb", "'{\"k\": true, \"n\": 10}'"),
                Map.entry("c_text_array", "ARRAY['a', 'b c', 'quote\"d', NULL]"),
                Map.entry("c_int_array", "ARRAY[1, NULL, -3]"), Map.entry("c_enum", "'happy'"),
                Map.entry("c_bit", "B'10101'"), Map.entry("c_varbit", "B'0001011'"), Map.entry("c_money", "1234.5"),
                Map.entry("c_int4range", "'[1,10)'"),
                Map.entry("c_tstzrange", "'[\"2024-01-01 04:05:06.789+05:30\",\"2024-02-01 00:00:00+00\")'"));

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
                Map.entry("c_enum", "'sad'"),
                Map.entry("c_bit", "B'00000'"), Map.entry("c_varbit", "B''"), Map.entry("c_money", "-999999999999.99"),
                Map.entry("c_int4range", "'empty'"), Map.entry("c_tstzrange", "'[-infinity,infinity)'"));

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
