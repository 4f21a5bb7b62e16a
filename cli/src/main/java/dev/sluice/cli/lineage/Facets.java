package dev.sluice.cli.lineage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

/**
 * The OpenLineage facets Sluice writes, each with the {@code _producer} and {@code _schemaURL} the spec requires.
 * Standard facets point at their schema on openlineage.io; Sluice's one custom facet, {@code sluice_progress}, at a
 * URN (its JSON schema is described in docs/lineage.md).
 */
public final class Facets {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Identifies the software that wrote an event (the spec asks for a URI). */
    public static final String PRODUCER = "urn:sluice:" + version();
    static final String SPEC = "https://openlineage.io/spec/";
    public static final String RUN_EVENT_SCHEMA = SPEC + "2-0-2/OpenLineage.json#/$defs/RunEvent";
    static final String SCHEMA_FACET = SPEC + "facets/1-1-1/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet";
    static final String DATASOURCE_FACET = SPEC + "facets/1-0-1/DatasourceDatasetFacet.json#/$defs/DatasourceDatasetFacet";
    static final String COLUMN_LINEAGE_FACET = SPEC
            + "facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet";
    static final String ERROR_FACET = SPEC + "facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet";
    static final String JOB_TYPE_FACET = SPEC + "facets/2-0-3/JobTypeJobFacet.json#/$defs/JobTypeJobFacet";
    public static final String PROGRESS = "sluice_progress";
    static final String PROGRESS_FACET = "urn:sluice:facets:SluiceProgressRunFacet:1-0-0";

    private Facets() {
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    private static ObjectNode facet(String schemaUrl) {
        ObjectNode f = object();
        f.put("_producer", PRODUCER);
        f.put("_schemaURL", schemaUrl);
        return f;
    }

    /** {@code schema}: the fields of a record schema (Avro), by name and type; nested records as nested fields. */
    public static ObjectNode schema(Schema record) {
        ObjectNode f = facet(SCHEMA_FACET);
        f.set("fields", fields(record));
        return f;
    }

    /** {@code schema} from column name -> type name (e.g. a source table's columns as PostgreSQL names them). */
    public static ObjectNode schema(Map<String, String> columns) {
        ObjectNode f = facet(SCHEMA_FACET);
        ArrayNode fields = f.putArray("fields");
        columns.forEach((name, type) -> fields.addObject().put("name", name).put("type", type));
        return f;
    }

    private static ArrayNode fields(Schema record) {
        ArrayNode fields = JSON.createArrayNode();
        for (Schema.Field field : record.getFields()) {
            Schema type = nonNull(field.schema());
            ObjectNode f = fields.addObject().put("name", field.name()).put("type", typeName(type));
            if (field.doc() != null) {
                f.put("description", field.doc());
            }
            if (type.getType() == Schema.Type.RECORD) {
                f.set("fields", fields(type));
            }
        }
        return fields;
    }

    private static String typeName(Schema type) {
        if (type.getLogicalType() != null) {
            return type.getLogicalType().getName();
        }
        String connect = type.getProp("connect.name");
        return connect != null ? connect : type.getType().getName();
    }

    static Schema nonNull(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema s : schema.getTypes()) {
                if (s.getType() != Schema.Type.NULL) {
                    return s;
                }
            }
        }
        return schema;
    }

    /** {@code dataSource}: the system a dataset lives in, named and addressed by its namespace. */
    public static ObjectNode dataSource(String namespace) {
        ObjectNode f = facet(DATASOURCE_FACET);
        f.put("name", namespace);
        f.put("uri", namespace);
        return f;
    }

    /** {@code columnLineage} from output column -> the input fields it is made of. */
    public static ObjectNode columnLineage(Map<String, List<ColumnLineage.InputField>> columns) {
        ObjectNode f = facet(COLUMN_LINEAGE_FACET);
        ObjectNode fields = f.putObject("fields");
        columns.forEach((column, inputs) -> {
            ArrayNode in = fields.putObject(column).putArray("inputFields");
            for (ColumnLineage.InputField input : inputs) {
                ObjectNode i = in.addObject().put("namespace", input.namespace()).put("name", input.name())
                        .put("field", input.field());
                ObjectNode t = i.putArray("transformations").addObject()
                        .put("type", input.type()).put("subtype", input.subtype());
                if (input.description() != null) {
                    t.put("description", input.description());
                }
                t.put("masking", input.masking());
            }
        });
        return f;
    }

    /** {@code errorMessage}: why a run failed, with the stack trace when there is one. */
    public static ObjectNode errorMessage(String message, Throwable cause) {
        ObjectNode f = facet(ERROR_FACET);
        f.put("message", message);
        f.put("programmingLanguage", "Java");
        if (cause != null) {
            StringWriter trace = new StringWriter();
            cause.printStackTrace(new PrintWriter(trace));
            f.put("stackTrace", trace.toString());
        }
        return f;
    }

    /** {@code jobType}: every Sluice job is a streaming job. */
    public static ObjectNode jobType(String jobType) {
        ObjectNode f = facet(JOB_TYPE_FACET);
        f.put("processingType", "STREAMING");
        f.put("integration", "SLUICE");
        f.put("jobType", jobType);
        return f;
    }

    /**
     * {@code sluice_progress}: per warehouse table, the source position up to which it is complete (the completeness
     * frontier, {@code _sluice_progress.complete_version}) as a PostgreSQL LSN and as a number.
     */
    public static ObjectNode progress(Map<String, Long> frontier) {
        ObjectNode f = facet(PROGRESS_FACET);
        ObjectNode tables = f.putObject("frontier");
        frontier.forEach((table, lsn) -> {
            ObjectNode t = tables.putObject(table);
            if (lsn < 0) {
                t.putNull("lsn");
                t.putNull("position");
            } else {
                t.put("lsn", dev.sluice.cli.drain.Lsn.format(lsn));
                t.put("position", lsn);
            }
        });
        return f;
    }

    private static String version() {
        String v = Facets.class.getPackage() == null ? null : Facets.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
