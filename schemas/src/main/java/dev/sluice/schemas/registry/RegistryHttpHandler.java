package dev.sluice.schemas.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps the Schema Registry REST API (the subset Sluice and common clients use) onto
 * {@link RegistryService}; refusals are answered like the real registry,
 * {@code {"error_code": 40401, "message": "..."}}.
 */
final class RegistryHttpHandler implements HttpHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Far above any Avro schema a table produces (a 1,600-column table's is about 200 KB); bounds the memory a request can take. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;
    /** What Schema Registry clients send; octet-stream is what HTTP libraries send when nobody set a type. */
    private static final List<String> ACCEPTED_TYPES = List.of("application/vnd.schemaregistry.v1+json",
            "application/vnd.schemaregistry+json", "application/json", "application/octet-stream");

    private final RegistryService service;

    RegistryHttpHandler(RegistryService service) {
        this.service = service;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        int status;
        JsonNode body;
        try {
            body = route(exchange.getRequestMethod(), segments(exchange.getRequestURI().getRawPath()),
                    exchange.getRequestURI().getRawQuery(), exchange);
            status = 200;
        } catch (RegistryError e) {
            status = e.status;
            body = error(e.errorCode, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Schema registry request {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
            status = 500;
            body = error(SchemaRegistryException.STORE_ERROR, "Error in the backend data store: " + e.getMessage());
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private JsonNode route(String method, List<String> path, String query, HttpExchange exchange) throws IOException {
        int n = path.size();
        String first = n > 0 ? path.get(0) : "";
        if (n == 0) {
            return JSON.createObjectNode();
        }
        switch (first) {
            case "subjects" -> {
                if (n == 1 && method.equals("GET")) {
                    return strings(service.subjects());
                }
                String subject = n > 1 ? path.get(1) : null;
                if (n == 2 && method.equals("POST")) {
                    return version(service.lookup(subject, schemaOf(exchange)));
                }
                if (n == 3 && path.get(2).equals("versions")) {
                    if (method.equals("GET")) {
                        ArrayNode versions = JSON.createArrayNode();
                        service.versions(subject).forEach(versions::add);
                        return versions;
                    }
                    if (method.equals("POST")) {
                        return JSON.createObjectNode().put("id", service.register(subject, schemaOf(exchange)));
                    }
                }
                if (n == 4 && path.get(2).equals("versions") && method.equals("GET")) {
                    return version(service.version(subject, path.get(3)));
                }
                if (n == 5 && path.get(2).equals("versions") && path.get(4).equals("schema") && method.equals("GET")) {
                    return JSON.readTree(service.version(subject, path.get(3)).schema().toString());
                }
            }
            case "schemas" -> {
                if (n == 3 && path.get(1).equals("ids") && method.equals("GET")) {
                    int id = parseId(path.get(2));
                    return JSON.createObjectNode().put("schema", service.schemaById(id).toString());
                }
            }
            case "compatibility" -> {
                if (n == 5 && path.get(1).equals("subjects") && path.get(3).equals("versions") && method.equals("POST")) {
                    List<String> problems = service.compatibility(path.get(2), path.get(4), schemaOf(exchange));
                    ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
                    if (query != null && query.contains("verbose=true")) {
                        answer.set("messages", strings(problems));
                    }
                    return answer;
                }
            }
            case "config" -> {
                String subject = n == 2 ? path.get(1) : null;
                if (n <= 2 && method.equals("GET")) {
                    boolean defaultToGlobal = query != null && query.contains("defaultToGlobal=true");
                    CompatibilityLevel level = subject == null ? service.globalLevel()
                            : service.subjectLevel(subject, defaultToGlobal);
                    return JSON.createObjectNode().put("compatibilityLevel", level.name());
                }
                if (n <= 2 && method.equals("PUT")) {
                    JsonNode request = readJson(exchange);
                    CompatibilityLevel level;
                    try {
                        level = CompatibilityLevel.parse(request.path("compatibility").asText());
                    } catch (IllegalArgumentException e) {
                        throw new RegistryError(422, SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL,
                                "Invalid compatibility level. " + e.getMessage());
                    }
                    service.setLevel(subject, level);
                    return JSON.createObjectNode().put("compatibility", level.name());
                }
            }
            default -> {
            }
        }
        throw new RegistryError(404, 404, "HTTP 404 Not Found: no " + method + " endpoint at /" + String.join("/", path));
    }

    private static ObjectNode version(RegistryState.Version version) {
        return JSON.createObjectNode().put("subject", version.subject()).put("version", version.version())
                .put("id", version.id()).put("schema", version.schema().toString());
    }

    private static ArrayNode strings(List<String> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static int parseId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new RegistryError(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + text + " not found.");
        }
    }

    private static Schema schemaOf(HttpExchange exchange) throws IOException {
        JsonNode request = readJson(exchange);
        String type = request.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw RegistryError.invalidSchema("schema type " + type + " is not supported; this registry stores Avro only");
        }
        if (request.has("references") && !request.get("references").isEmpty()) {
            throw RegistryError.invalidSchema("schema references are not supported; inline the referenced types");
        }
        JsonNode schema = request.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw RegistryError.invalidSchema("the request body must be {\"schema\": \"<Avro schema as a JSON string>\"}");
        }
        try {
            return new Schema.Parser().parse(schema.asText());
        } catch (RuntimeException e) {
            throw RegistryError.invalidSchema(e.getMessage());
        }
    }

    private static JsonNode readJson(HttpExchange exchange) throws IOException {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type != null && !ACCEPTED_TYPES.contains(type.split(";")[0].trim().toLowerCase(Locale.ROOT))) {
            throw new RegistryError(415, 415, "Unsupported media type " + type + ": send the body as "
                    + "application/vnd.schemaregistry.v1+json or application/json.");
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw new RegistryError(413, 413, "Request body larger than " + MAX_BODY_BYTES
                        + " bytes: a schema this big is not a table's schema; check what is being sent.");
            }
            try {
                return bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
            } catch (IOException e) {
                throw new RegistryError(422, 422, "Unprocessable entity: the request body is not JSON (" + e.getMessage() + ")");
            }
        }
    }

    /** Path segments, each percent-decoded on its own so an encoded '/' stays inside its subject. */
    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }
}
