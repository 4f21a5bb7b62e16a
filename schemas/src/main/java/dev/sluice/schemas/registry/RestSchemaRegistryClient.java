package dev.sluice.schemas.registry;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} over the Schema Registry REST API (Confluent's, ours embedded, or a
 * compatible peer), using {@code java.net.http}.
 *
 * <p>Registrations and schemas by id are cached for the life of the client (ids never change meaning
 * in a registry), so the hot path of a serde makes no HTTP call after the first record of a schema.
 * Connection failures and 5xx answers are retried with exponential backoff (capped at
 * {@value #MAX_BACKOFF_MS} ms) for a retry window ({@link #DEFAULT_RETRY_WINDOW} unless given), so a registry
 * that restarts or is briefly unreachable costs a delay, not a failed record; after the window the call fails
 * with one sentence naming the URL and the fix. 4xx answers are not retried and become a
 * {@link SchemaRegistryException} carrying the registry's message. Thread-safe.
 */
public class RestSchemaRegistryClient implements SchemaRegistryClient {

    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long failing calls are retried unless the client is built with another window. */
    public static final Duration DEFAULT_RETRY_WINDOW = Duration.ofSeconds(10);
    private static final long FIRST_BACKOFF_MS = 200;
    private static final long MAX_BACKOFF_MS = 2_000;

    private final String baseUrl;
    private final HttpClient http;
    private final Duration retryWindow;
    private final String authorization;
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /** A client for the registry at {@code baseUrl} (e.g. {@code http://localhost:8081}). */
    public RestSchemaRegistryClient(String baseUrl) {
        this(baseUrl, DEFAULT_RETRY_WINDOW);
    }

    /**
     * A client that retries a failing call (unreachable registry, 5xx) for {@code retryWindow} before giving up;
     * at least one further attempt is always made.
     */
    public RestSchemaRegistryClient(String baseUrl, Duration retryWindow) {
        this(baseUrl, retryWindow, RegistryAccess.NONE);
    }

    /** A client that also authenticates (basic auth) and trusts the given truststore ({@link RegistryAccess}). */
    public RestSchemaRegistryClient(String baseUrl, Duration retryWindow, RegistryAccess access) {
        if (retryWindow == null || retryWindow.isNegative()) {
            throw new IllegalArgumentException("the Schema Registry retry window must be zero or positive, not " + retryWindow);
        }
        this.retryWindow = retryWindow;
        if (baseUrl == null || !(baseUrl.startsWith("http://") || baseUrl.startsWith("https://"))) {
            throw new IllegalArgumentException("'" + baseUrl + "' is not a Schema Registry URL;"
                    + " give an http:// or https:// base URL such as http://localhost:8081");
        }
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        URI.create(this.baseUrl); // fail now on a malformed URL, not on the first record
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        access.sslContext().ifPresent(client::sslContext);
        this.http = client.build();
        this.authorization = access.authorization().orElse(null);
    }

    /** The base URL this client talks to. */
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "/subjects/" + enc(subject) + "/versions", schemaBody(schema),
                "register a schema under subject '" + subject + "'");
        int id = answer.path("id").asInt();
        ids.put(schema, id);
        schemasById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("GET", "/schemas/ids/" + id, null, "get the schema with id " + id);
        Schema schema = parse(answer.path("schema").asText(), "schema id " + id);
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    @Override
    public RegisteredSchema lookup(String subject, Schema schema) {
        JsonNode answer = call("POST", "/subjects/" + enc(subject), schemaBody(schema),
                "look up a schema in subject '" + subject + "'");
        return registered(answer, subject);
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return registered(call("GET", "/subjects/" + enc(subject) + "/versions/latest", null,
                "get the latest version of subject '" + subject + "'"), subject);
    }

    @Override
    public RegisteredSchema version(String subject, int version) {
        return registered(call("GET", "/subjects/" + enc(subject) + "/versions/" + version, null,
                "get version " + version + " of subject '" + subject + "'"), subject);
    }

    @Override
    public List<Integer> versions(String subject) {
        List<Integer> versions = new ArrayList<>();
        call("GET", "/subjects/" + enc(subject) + "/versions", null,
                "list the versions of subject '" + subject + "'").forEach(v -> versions.add(v.asInt()));
        return versions;
    }

    @Override
    public List<String> subjects() {
        List<String> subjects = new ArrayList<>();
        call("GET", "/subjects", null, "list subjects").forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    @Override
    public CompatibilityResult checkCompatibility(String subject, Schema schema) {
        try {
            JsonNode answer = call("POST", "/compatibility/subjects/" + enc(subject) + "/versions/latest?verbose=true",
                    schemaBody(schema), "check compatibility with subject '" + subject + "'");
            List<String> messages = new ArrayList<>();
            answer.path("messages").forEach(m -> messages.add(m.asText()));
            return new CompatibilityResult(answer.path("is_compatible").asBoolean(), List.copyOf(messages));
        } catch (SchemaRegistryException e) {
            // Nothing registered yet: any schema may become version 1.
            if (e.errorCode() == SchemaRegistryException.SUBJECT_NOT_FOUND
                    || e.errorCode() == SchemaRegistryException.VERSION_NOT_FOUND) {
                return new CompatibilityResult(true, List.of());
            }
            throw e;
        }
    }

    @Override
    public CompatibilityLevel globalCompatibility() {
        return level(call("GET", "/config", null, "get the global compatibility level"));
    }

    @Override
    public void setGlobalCompatibility(CompatibilityLevel level) {
        call("PUT", "/config", levelBody(level), "set the global compatibility level to " + level);
    }

    @Override
    public CompatibilityLevel compatibility(String subject) {
        return level(call("GET", "/config/" + enc(subject) + "?defaultToGlobal=true", null,
                "get the compatibility level of subject '" + subject + "'"));
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        call("PUT", "/config/" + enc(subject), levelBody(level),
                "set the compatibility level of subject '" + subject + "' to " + level);
    }

    private RegisteredSchema registered(JsonNode answer, String subject) {
        int id = answer.path("id").asInt();
        Schema schema = schemasById.computeIfAbsent(id,
                i -> parse(answer.path("schema").asText(), "subject '" + subject + "'"));
        return new RegisteredSchema(answer.path("subject").asText(subject), answer.path("version").asInt(), id, schema);
    }

    private static CompatibilityLevel level(JsonNode answer) {
        JsonNode level = answer.has("compatibilityLevel") ? answer.get("compatibilityLevel") : answer.path("compatibility");
        return CompatibilityLevel.parse(level.asText());
    }

    private static String schemaBody(Schema schema) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schema.toString());
        return body.toString();
    }

    private static String levelBody(CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode();
        body.put("compatibility", level.name());
        return body.toString();
    }

    private static Schema parse(String json, String what) {
        try {
            return new Schema.Parser().parse(json);
        } catch (RuntimeException e) {
            throw new SchemaRegistryException("the registry returned a schema for " + what
                    + " that is not valid Avro: " + e.getMessage(), e);
        }
    }

    /** Subjects are path segments: encode '/', spaces and the like, and never use '+' for a space. */
    private static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode call(String method, String path, String body, String action) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", CONTENT_TYPE + ", application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE);
        }
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpRequest built = request.build();
        long backoff = FIRST_BACKOFF_MS;
        long giveUpAt = System.nanoTime() + retryWindow.toNanos();
        for (int attempt = 1; ; attempt++) {
            String failure;
            Exception cause = null;
            try {
                HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                int status = response.statusCode();
                if (status < 300) {
                    return JSON.readTree(response.body().isEmpty() ? "{}" : response.body());
                }
                if (status < 500) {
                    throw refused(action, status, response.body());
                }
                failure = "HTTP " + status + " " + errorMessage(response.body());
            } catch (IOException e) {
                failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                cause = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("interrupted while trying to " + action + " at " + baseUrl, e);
            }
            if (attempt >= 2 && System.nanoTime() >= giveUpAt) {
                String message = "could not " + action + " at the Schema Registry " + baseUrl + " after " + attempt
                        + " attempts in " + retryWindow.toMillis() + " ms (" + failure + "); check that the registry runs and "
                        + SchemaRegistryConfig.SCHEMA_REGISTRY_URL + " points to it";
                throw cause != null ? new SchemaRegistryException(message, cause) : new SchemaRegistryException(message, 503, 0);
            }
            LOG.debug("Attempt {} to {} at {} failed ({}); retrying in {} ms", attempt, action, baseUrl, failure, backoff);
            sleep(Math.min(backoff, Math.max(1, (giveUpAt - System.nanoTime()) / 1_000_000)));
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    private SchemaRegistryException refused(String action, int status, String body) {
        int code = status;
        try {
            code = JSON.readTree(body).path("error_code").asInt(status);
        } catch (IOException | RuntimeException ignored) {
            // not JSON: keep the HTTP status as the code
        }
        return new SchemaRegistryException("the Schema Registry at " + baseUrl + " refused to " + action + ": "
                + errorMessage(body) + " (HTTP " + status + ", error code " + code + ")", status, code);
    }

    private static String errorMessage(String body) {
        try {
            JsonNode message = JSON.readTree(body).get("message");
            if (message != null) {
                return message.asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // fall through to the raw body
        }
        return body == null || body.isBlank() ? "no message" : body.strip();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while waiting to retry a Schema Registry call", e);
        }
    }
}
