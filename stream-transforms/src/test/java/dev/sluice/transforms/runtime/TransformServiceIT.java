package dev.sluice.transforms.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.sluice.testkit.KafkaTestCluster;
import dev.sluice.schemas.registry.EmbeddedSchemaRegistry;
import dev.sluice.schemas.serde.AvroSerializer;
import dev.sluice.schemas.serde.GenericAvroSerde;
import dev.sluice.transforms.errors.DeadLetters;
import dev.sluice.transforms.expect.ExpectStep;
import dev.sluice.transforms.metrics.TransformMetrics;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.pipeline.spec.PipelineSpecParser;
import dev.sluice.transforms.replicate.ReplicationSpec;
import dev.sluice.transforms.testkit.Envelopes;
import dev.sluice.transforms.unwrap.ChangeUnwrapper;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication pipeline against a real KRaft broker and the embedded Schema Registry: Debezium-shaped
 * envelopes with duplicates, a poison pill and a contract-breaking envelope in, each change exactly once out
 * (read_committed), the two bad records in {@code replica.dlq} with the error in headers, the same
 * output under a second application id, and a table created while running gets its row topic.
 */
class TransformServiceIT {

    private static final String ORDERS = "sluice.public.orders";
    private static final int PARTITIONS = 3;

    private static KafkaTestCluster kafka;
    private static EmbeddedSchemaRegistry registry;
    private static SimpleMeterRegistry meters;

    private static final Envelopes orders = Envelopes.forTable("public", "orders");
    private static final long T0 = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
    /** Every distinct change produced, in production order. */
    private static final List<GenericRecord> changes = new ArrayList<>();
    private static int duplicatesProduced;

    @TempDir
    static Path stateDir;

    @BeforeAll
    static void startInfrastructureAndProduceChanges() {
        meters = new SimpleMeterRegistry();
        Metrics.addRegistry(meters);
        kafka = KafkaTestCluster.start();
        registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
        kafka.createTopic(ORDERS, PARTITIONS);

        long lsn = 1000;
        long ts = T0;
        for (int id = 1; id <= 12; id++) {
            changes.add(orders.insert(id, id + ".00", lsn += 8, ts += 10));
        }
        for (int id = 1; id <= 12; id += 2) {
            changes.add(orders.update(id, id + ".00", id + ".50", lsn += 8, ts += 10));
        }
        for (int id = 1; id <= 12; id += 3) {
            changes.add(orders.delete(id, id + ".50", lsn += 8, ts += 10));
        }
        List<GenericRecord> withDuplicates = new ArrayList<>(changes);
        // redelivered changes (an ingest retry): a late copy of an insert, an update and a delete
        withDuplicates.add(changes.get(0));
        withDuplicates.add(changes.get(13));
        withDuplicates.add(changes.get(changes.size() - 1));
        withDuplicates.add(changes.get(5));
        duplicatesProduced = withDuplicates.size() - changes.size();
        produce(orders, withDuplicates);
        produceGarbage(ORDERS);
        produceWithKey(orders, orders.key(1), orders.envelope("t", null, null, 999_999L, T0)); // breaks the contract
    }

    @AfterAll
    static void stopInfrastructure() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        Metrics.removeRegistry(meters);
    }

    @Test
    void eachChangeArrivesExactlyOnceAndRerunUnderAnotherApplicationIdIsIdentical() {
        Map<Integer, List<String>> first;
        try (TransformService service = new TransformService(config(ReplicationSpec.defaults(), "first"))) {
            service.start();
            List<ConsumerRecord<GenericRecord, GenericRecord>> rows = readExactly("replica.public.orders", changes.size());

            assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(rows).extracting(r -> r.value().get(ChangeUnwrapper.VERSION))
                    .containsExactlyInAnyOrderElementsOf(changes.stream()
                            .map(c -> ((GenericRecord) c.get("source")).get("lsn")).toList());
            for (ConsumerRecord<GenericRecord, GenericRecord> row : rows) {
                GenericRecord change = changeWithVersion((Long) row.value().get(ChangeUnwrapper.VERSION));
                boolean delete = "d".equals(change.get("op").toString());
                GenericRecord image = (GenericRecord) change.get(delete ? "before" : "after");
                assertThat(row.key().get("id")).isEqualTo(image.get("id"));
                assertThat(row.value().get("id")).isEqualTo(image.get("id"));
                assertThat(row.value().get("amount")).isEqualTo(image.get("amount"));
                assertThat(String.valueOf(row.value().get("note"))).isEqualTo(String.valueOf(image.get("note")));
                assertThat(row.value().get(ChangeUnwrapper.DELETED)).isEqualTo(delete);
                long sourceTs = (Long) ((GenericRecord) change.get("source")).get("ts_ms");
                assertThat(row.value().get(ChangeUnwrapper.SOURCE_TS)).isEqualTo(sourceTs);
                assertThat(row.timestamp()).isEqualTo(sourceTs);
            }
            assertThat(rows.get(0).value().getSchema().getField("amount").schema().getProp("connect.name"))
                    .isEqualTo("org.apache.kafka.connect.data.Decimal");
            // the copies come last in their partitions, so they may still be in flight
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> counter(TransformMetrics.DUPLICATES, "replica") == duplicatesProduced);
            assertThat(counter(TransformMetrics.RECORDS_OUT, "replica")).isEqualTo(changes.size());
            // the poison pill and the contract-breaking envelope are in the DLQ, with the error; not fatal
            List<ConsumerRecord<byte[], byte[]>> dead = readRawExactly(DeadLetters.topic("replica"), 2);
            assertThat(dead).extracting(r -> header(r, DeadLetters.HEADER_STAGE))
                    .containsExactlyInAnyOrder("deserialization", "processing");
            assertThat(dead).allSatisfy(r -> {
                assertThat(header(r, "__streams.errors.topic")).isEqualTo(ORDERS);
                assertThat(header(r, "__streams.errors.exception")).isNotBlank();
                assertThat(header(r, DeadLetters.HEADER_PIPELINE)).isEqualTo("replica");
            });
            assertThat(dead).filteredOn(r -> "deserialization".equals(header(r, DeadLetters.HEADER_STAGE)))
                    .extracting(r -> new String(r.value())).containsExactly("not avro either");
            assertThat(dead).filteredOn(r -> "processing".equals(header(r, DeadLetters.HEADER_STAGE)))
                    .extracting(r -> header(r, "__streams.errors.message")).singleElement().asString().contains("op 't'");
            assertThat(meters.get(DeadLetters.COUNTER).tag("pipeline", "replica").counters().stream()
                    .mapToDouble(c -> c.count()).sum()).isEqualTo(2.0);
            assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
            first = rowsPerKey(rows);

            newTableGetsItsRowTopicWhileRunning();
        }

        ReplicationSpec rerun = ReplicationSpec.defaults().withPipeline("rerun");
        try (TransformService service = new TransformService(config(rerun, "second"))) {
            assertThat(service.config().applicationId()).isEqualTo("sluice-rerun");
            service.start();
            Map<Integer, List<String>> second = rowsPerKey(readExactly("rerun.public.orders", changes.size()));

            assertThat(second).isEqualTo(first);
        }
    }

    @Test
    void pipelineSpecRunsAsItsOwnApplicationWithQuarantineAndDlq() {
        PipelineSpec spec = PipelineSpecParser.parse("""
                pipeline: spec-it
                source: {topics: [sluice.public.orders]}
                steps:
                  - dedupe: {window: 1h, allowed-lateness: 1h}
                  - unwrap: {}
                  - expect: {rules: [{field: amount, max: 6}]}
                  - project: {fields: [id, amount, __version, __deleted]}
                output: {topic: 'spec-it.${schema}.${table}'}
                """, "spec-it.yaml");
        // deletes pass unchecked: their image is the key and placeholders
        long small = changes.stream().filter(c -> "d".equals(c.get("op").toString())
                || amountOf(c).compareTo(BigDecimal.valueOf(6)) <= 0).count();

        try (TransformService service = new TransformService(config(ReplicationSpec.defaults(), "spec")
                .withPipeline(spec))) {
            assertThat(service.config().applicationId()).isEqualTo("sluice-spec-it");
            service.start();
            List<ConsumerRecord<GenericRecord, GenericRecord>> rows = readExactly("spec-it.public.orders", (int) small);
            List<ConsumerRecord<GenericRecord, GenericRecord>> quarantined =
                    readExactly("spec-it.quarantine", changes.size() - (int) small);

            assertThat(rows.get(0).value().getSchema().getFields()).extracting(f -> f.name())
                    .containsExactly("id", "amount", "__version", "__deleted");
            assertThat(quarantined).allSatisfy(r -> assertThat(new String(
                    r.headers().lastHeader(ExpectStep.HEADER_RULE).value(), StandardCharsets.UTF_8))
                    .isEqualTo("expect: amount in range [-inf, 6]"));
            assertThat(readRawExactly("spec-it.dlq", 2)).extracting(r -> header(r, DeadLetters.HEADER_STAGE))
                    .containsExactlyInAnyOrder("deserialization", "processing");
            assertThat(service.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    @Test
    void joinOnATopicThatDoesNotExistFailsAtStartNamingTheStep() {
        PipelineSpec spec = PipelineSpecParser.parse("""
                pipeline: join-missing
                source: {topics: [sluice.public.orders]}
                steps:
                  - unwrap: {}
                  - enrich: {table: replica.public.nowhere, foreign-key: id, columns: {note: other_note}}
                output: {topic: join-missing.out}
                """, "join-missing.yaml");

        try (TransformService service = new TransformService(config(ReplicationSpec.defaults(), "missing")
                .withPipeline(spec))) {
            assertThatThrownBy(service::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("step 'enrich' (line 5) joins topic 'replica.public.nowhere', which does not"
                            + " exist");
        }
    }

    @Test
    void aWindowOnAColumnTheRegisteredSchemaLacksFailsAtStartBeforeWriting() throws Exception {
        PipelineSpec spec = PipelineSpecParser.parse("""
                pipeline: no-time
                source: {topics: [sluice.public.orders]}
                steps:
                  - unwrap: {}
                  - aggregate: {window: 1m, time-field: ordered_at, measures: {orders: count}}
                output: {topic: no-time.out}
                """, "no-time.yaml");

        try (TransformService service = new TransformService(config(ReplicationSpec.defaults(), "no-time")
                .withPipeline(spec))) {
            assertThatThrownBy(service::start).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("step 'aggregate' (line 5, reading sluice.public.orders): the window has no"
                            + " time field: 'ordered_at' is not a column");
            assertThat(service.state()).isEqualTo(KafkaStreams.State.CREATED);
        }
        assertThat(topicExists("no-time.out")).isFalse();
    }

    @Test
    void anAggregatesOutputTopicAndSchemasAreRegisteredAtStartBeforeAnyRow() throws Exception {
        kafka.createTopic("sluice.public.quiet", 1);
        PipelineSpec spec = PipelineSpecParser.parse("""
                pipeline: quiet
                source: {topics: [sluice.public.quiet]}
                steps:
                  - unwrap: {}
                  - aggregate: {window: 1m, group-by: [note], measures: {orders: count, top: {max: amount}}}
                output: {topic: quiet.dashboard}
                """, "quiet.yaml");
        try (TransformService service = new TransformService(config(ReplicationSpec.defaults(), "quiet")
                .withPipeline(spec))) {
            service.start();
            assertThat(topicExists("quiet.dashboard")).isTrue();
            dev.sluice.schemas.registry.SchemaRegistryClient client =
                    new dev.sluice.schemas.registry.RestSchemaRegistryClient(registry.url());
            assertThat(client.latest("quiet.dashboard-key").schema().getFields()).extracting(f -> f.name())
                    .containsExactly("window_start", "note");
            assertThat(client.latest("quiet.dashboard-value").schema().getFields()).extracting(f -> f.name())
                    .containsExactly("window_start", "window_end", "note", "orders", "top", "__version", "__deleted");
        }
    }

    @Test
    void temporalAndGlobalLookupsEnrichFactsOnARealBroker() {
        org.apache.avro.Schema key = new org.apache.avro.Schema.Parser().parse("""
                {"type":"record","name":"Key","namespace":"lk","fields":[{"name":"id","type":"int"}]}""");
        org.apache.avro.Schema order = new org.apache.avro.Schema.Parser().parse("""
                {"type":"record","name":"Order","namespace":"lk","fields":[{"name":"id","type":"int"},
                 {"name":"customer_id","type":"int"},{"name":"product_id","type":"int"},
                 {"name":"__deleted","type":"boolean"}]}""");
        org.apache.avro.Schema dimension = new org.apache.avro.Schema.Parser().parse("""
                {"type":"record","name":"Dim","namespace":"lk","fields":[{"name":"id","type":"int"},
                 {"name":"label","type":"string"},{"name":"__deleted","type":"boolean"}]}""");
        kafka.createTopic("lk.public.orders", 2);
        kafka.createTopic("lk.public.customers", 2);
        kafka.createTopic("lk.public.products", 1);
        long t = T0;
        produceRows("lk.public.customers", List.of(
                row(key, Map.of("id", 7)), row(dimension, Map.of("id", 7, "label", "north", "__deleted", false)), t,
                row(key, Map.of("id", 7)), row(dimension, Map.of("id", 7, "label", "south", "__deleted", false)),
                t + 10_000));
        produceRows("lk.public.products", List.of(
                row(key, Map.of("id", 1)), row(dimension, Map.of("id", 1, "label", "books", "__deleted", false)), t));
        PipelineSpec spec = PipelineSpecParser.parse("""
                pipeline: lookups
                source: {topics: [lk.public.orders], format: row}
                steps:
                  - enrich: {name: customer, table: lk.public.customers, foreign-key: customer_id, join: temporal,
                             columns: {label: region}}
                  - enrich: {name: product, table: lk.public.products, foreign-key: product_id, join: global,
                             columns: {label: category}}
                output: {topic: lookups.orders}
                """, "lookups.yaml");
        try (TransformService service = new TransformService(config(ReplicationSpec.defaults(), "lookups")
                .withPipeline(spec))) {
            service.start();
            // the dimension is in the versioned store before the facts come, as in a running shop
            await().atMost(Duration.ofSeconds(60)).until(() -> committed("sluice-lookups",
                    "sluice-lookups-customer-dimension-repartition") >= 2);
            produceRows("lk.public.orders", List.of(
                    row(key, Map.of("id", 1)), row(order, Map.of("id", 1, "customer_id", 7, "product_id", 1,
                            "__deleted", false)), t + 5_000,
                    row(key, Map.of("id", 2)), row(order, Map.of("id", 2, "customer_id", 7, "product_id", 1,
                            "__deleted", false)), t + 15_000,
                    row(key, Map.of("id", 3)), row(order, Map.of("id", 3, "customer_id", 7, "product_id", 9,
                            "__deleted", false)), t + 16_000));
            Map<Integer, String> enriched = new TreeMap<>();
            readExactly("lookups.orders", 2).forEach(r -> enriched.put((Integer) r.key().get("id"),
                    r.value().get("region") + " " + r.value().get("category")));
            // order 1 was placed while customer 7 lived in the north, order 2 after the move
            assertThat(enriched).containsExactlyEntriesOf(new TreeMap<>(Map.of(1, "north books", 2, "south books")));
            assertThat(readExactly("lookups.quarantine", 1)).singleElement()
                    .satisfies(r -> assertThat(r.key().get("id")).isEqualTo(3));
        }
    }

    /** Offsets the group has committed on the topic, summed over its partitions. */
    private static long committed(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    private static GenericRecord row(org.apache.avro.Schema schema, Map<String, Object> values) {
        org.apache.avro.generic.GenericData.Record record = new org.apache.avro.generic.GenericData.Record(schema);
        values.forEach(record::put);
        return record;
    }

    /** key, value, timestamp, key, value, timestamp, ... */
    private static void produceRows(String topic, List<Object> keyValueTimestamps) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<Object, Object> producer = new KafkaProducer<>(props, serializer(true), serializer(false))) {
            for (int i = 0; i < keyValueTimestamps.size(); i += 3) {
                producer.send(new ProducerRecord<>(topic, null, (Long) keyValueTimestamps.get(i + 2),
                        keyValueTimestamps.get(i), keyValueTimestamps.get(i + 1)));
            }
            producer.flush();
        }
    }

    private static BigDecimal amountOf(GenericRecord change) {
        GenericRecord image = (GenericRecord) (change.get("after") != null ? change.get("after") : change.get("before"));
        java.nio.ByteBuffer bytes = ((java.nio.ByteBuffer) image.get("amount")).duplicate();
        byte[] raw = new byte[bytes.remaining()];
        bytes.get(raw);
        return new BigDecimal(new java.math.BigInteger(raw), 2);
    }

    /** Runs inside the first service: a table created after start is subscribed and gets its row topic. */
    private void newTableGetsItsRowTopicWhileRunning() {
        Envelopes customers = Envelopes.forTable("public", "customers");
        kafka.createTopic(customers.topic("sluice"), 2);

        await().atMost(Duration.ofSeconds(30)).until(() -> topicExists("replica.public.customers"));
        produce(customers, List.of(customers.insert(1, "3.00", 5000L, T0 + 5000)));
        List<ConsumerRecord<GenericRecord, GenericRecord>> rows = readExactly("replica.public.customers", 1);

        assertThat(rows.get(0).value().getSchema().getFullName()).isEqualTo("sluice.public.customers.Row");
        assertThat(partitionsOf("replica.public.customers")).isEqualTo(2);
    }

    private TransformConfig config(ReplicationSpec spec, String stateSubDir) {
        return TransformConfig.of(kafka.bootstrapServers(), registry.url())
                .withSpec(spec)
                .withStateDir(stateDir.resolve(stateSubDir))
                .withTopicPollInterval(Duration.ofMillis(500))
                // find the new table's topic quickly (the service's floor is 10 s)
                .withKafkaOverrides(Map.of("consumer." + ConsumerConfig.METADATA_MAX_AGE_CONFIG, 1000));
    }

    private static void produce(Envelopes table, List<GenericRecord> envelopes) {
        String topic = table.topic("sluice");
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                "schema.registry.url", registry.url());
        try (KafkaProducer<Object, Object> producer =
                     new KafkaProducer<>(props, serializer(true), serializer(false))) {
            for (GenericRecord envelope : envelopes) {
                GenericRecord after = (GenericRecord) (envelope.get("after") != null ? envelope.get("after")
                        : envelope.get("before"));
                GenericRecord key = table.key((Integer) after.get("id"));
                long ts = (Long) ((GenericRecord) envelope.get("source")).get("ts_ms");
                producer.send(new ProducerRecord<>(topic, null, ts, key, envelope));
            }
            producer.flush();
        }
    }

    private static void produceWithKey(Envelopes table, GenericRecord key, GenericRecord envelope) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                "schema.registry.url", registry.url());
        try (KafkaProducer<Object, Object> producer = new KafkaProducer<>(props, serializer(true), serializer(false))) {
            producer.send(new ProducerRecord<>(table.topic("sluice"), null, T0, key, envelope));
            producer.flush();
        }
    }

    /** A poison pill: bytes that are not in the registry wire format. */
    private static void produceGarbage(String topic) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, T0, "not avro".getBytes(), "not avro either".getBytes()));
            producer.flush();
        }
    }

    private static AvroSerializer serializer(boolean isKey) {
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(Map.of("schema.registry.url", registry.url()), isKey);
        return serializer;
    }

    /** Reads the topic with read_committed until {@code count} records arrived, then checks none follow. */
    private static List<ConsumerRecord<GenericRecord, GenericRecord>> readExactly(String topic, int count) {
        List<ConsumerRecord<GenericRecord, GenericRecord>> rows = new ArrayList<>();
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<GenericRecord, GenericRecord> consumer =
                     new KafkaConsumer<>(props, deserializer(true), deserializer(false))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(90)).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(rows::add);
                return rows.size() >= count;
            });
            // exactly once: nothing more shows up after the expected records
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(rows::add);
                return rows.size() == count;
            });
        }
        return rows;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readRawExactly(String topic, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                     new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(Duration.ofSeconds(30)).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
        }
        assertThat(records).hasSize(count);
        return records;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Deserializer<GenericRecord> deserializer(boolean isKey) {
        GenericAvroSerde serde = new GenericAvroSerde();
        serde.configure(Map.of("schema.registry.url", registry.url()), isKey);
        return serde.deserializer();
    }

    /** Per key (id), the rows in topic order with their timestamps: what a per-key ordered reader sees. */
    private static Map<Integer, List<String>> rowsPerKey(List<ConsumerRecord<GenericRecord, GenericRecord>> rows) {
        Map<Integer, List<String>> perKey = new TreeMap<>();
        for (ConsumerRecord<GenericRecord, GenericRecord> row : rows) {
            perKey.computeIfAbsent((Integer) row.key().get("id"), k -> new ArrayList<>())
                    .add(row.timestamp() + " " + row.value());
        }
        return perKey;
    }

    private static GenericRecord changeWithVersion(long lsn) {
        return changes.stream()
                .filter(c -> ((Long) ((GenericRecord) c.get("source")).get("lsn")) == lsn)
                .findFirst().orElseThrow();
    }

    private static boolean topicExists(String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            return admin.listTopics().names().get().contains(topic);
        }
    }

    private static int partitionsOf(String topic) {
        try (Admin admin = kafka.admin()) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double counter(String name, String pipeline) {
        return meters.get(name).tag("pipeline", pipeline).counter().count();
    }
}
