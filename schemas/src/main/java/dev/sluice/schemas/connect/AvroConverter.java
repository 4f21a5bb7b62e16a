package dev.sluice.schemas.connect;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.sluice.schemas.registry.RestSchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryConfig;
import dev.sluice.schemas.registry.SchemaRegistryException;
import dev.sluice.schemas.serde.AvroDeserializer;
import dev.sluice.schemas.serde.AvroSerializer;
import dev.sluice.schemas.wire.WireFormat;
import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;

/**
 * Kafka Connect converter between Connect data and Avro in the Schema Registry wire format.
 * Writing registers the Avro form of the record's Connect schema under {@code <topic>-key} or
 * {@code <topic>-value} (cached, so only a new schema costs a registry call); reading fetches the
 * writer schema by id and restores an equal Connect schema (names, versions, parameters and
 * Debezium's semantic types survive, see {@link ConnectToAvroSchema}). Null values map to null
 * bytes and back to {@link SchemaAndValue#NULL}. Failures are {@link DataException}s.
 *
 * <p>Config: {@value SchemaRegistryConfig#SCHEMA_REGISTRY_URL} (required),
 * {@value SchemaRegistryConfig#RETRY_TIMEOUT_MS} (optional).
 */
public class AvroConverter implements Converter {

    private static final ConfigDef CONFIG = new ConfigDef().define(SchemaRegistryConfig.SCHEMA_REGISTRY_URL,
            ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.Importance.HIGH,
            "Base URL of the Schema Registry REST API, e.g. http://localhost:8081.")
            .define(SchemaRegistryConfig.RETRY_TIMEOUT_MS, ConfigDef.Type.LONG,
                    RestSchemaRegistryClient.DEFAULT_RETRY_WINDOW.toMillis(), ConfigDef.Range.atLeast(0),
                    ConfigDef.Importance.LOW, "How long a failing Schema Registry call is retried before the record fails.");

    private static final int MAX_CACHED_IDS = 1_000;

    private final ConnectToAvroSchema toAvro = new ConnectToAvroSchema();
    private final AvroToConnectSchema toConnect = new AvroToConnectSchema();
    /** Per writer schema id: ids never change meaning in a registry, so a record costs one map lookup here. */
    private final Map<Integer, Reading> readings = new ConcurrentHashMap<>();
    private SchemaRegistryClient client;
    private boolean isKey;

    /** A writer schema, its datum reader and the Connect schema restored from it. */
    private record Reading(Schema writer, DatumReader<Object> reader, org.apache.kafka.connect.data.Schema connect) {
    }

    /** For Connect's reflective construction; {@link #configure} must follow. */
    public AvroConverter() {
    }

    /** A converter on a given client; {@link #configure} then only sets isKey. */
    public AvroConverter(SchemaRegistryClient client) {
        this.client = client;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        if (client == null || configs.containsKey(SchemaRegistryConfig.SCHEMA_REGISTRY_URL)) {
            client = SchemaRegistryConfig.clientFrom(configs);
            readings.clear(); // ids belong to the registry they came from
        }
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public byte[] fromConnectData(String topic, org.apache.kafka.connect.data.Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (schema == null) {
            throw new DataException("AvroConverter needs a Connect schema to write a value to topic " + topic
                    + "; the source produced schemaless data (use a JSON converter for it)");
        }
        requireConfigured();
        Schema avro = toAvro.convert(schema);
        String subject = AvroSerializer.subject(topic, isKey);
        try {
            int id = client.register(subject, avro);
            // one walk straight to bytes; the generic path for what it does not handle, with its error for bad values
            byte[] direct = ConnectToAvroBinary.encode(id, schema, avro, value);
            return direct != null ? direct : WireFormat.encode(id, avro, ConnectToAvroValue.convert(schema, avro, value));
        } catch (SchemaRegistryException | SerializationException e) {
            throw new DataException("cannot convert a record for topic " + topic + " (subject " + subject + "): "
                    + e.getMessage(), e);
        }
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        requireConfigured();
        try {
            Reading reading = reading(WireFormat.schemaId(value), topic);
            Object datum = WireFormat.decode(value, reading.writer(), reading.reader());
            return new SchemaAndValue(reading.connect(), AvroToConnectValue.convert(reading.writer(), reading.connect(), datum));
        } catch (SerializationException e) {
            throw new DataException("cannot read a " + (isKey ? "key" : "value") + " of topic " + topic + ": "
                    + e.getMessage(), e);
        }
    }

    private Reading reading(int id, String topic) {
        Reading cached = readings.get(id);
        if (cached == null) {
            Schema writer = AvroDeserializer.writerSchema(client, id, topic);
            if (readings.size() >= MAX_CACHED_IDS) {
                readings.clear(); // a worker reading thousands of schemas: start over rather than grow
            }
            cached = new Reading(writer, WireFormat.reader(writer, writer), toConnect.convert(writer));
            readings.put(id, cached);
        }
        return cached;
    }

    private void requireConfigured() {
        if (client == null) {
            throw new DataException("AvroConverter is not configured; set " + SchemaRegistryConfig.SCHEMA_REGISTRY_URL
                    + " in the converter's config");
        }
    }
}
