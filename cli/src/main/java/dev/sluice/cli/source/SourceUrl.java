package dev.sluice.cli.source;

import dev.sluice.cli.secret.PasswordInUrl;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL address as users write it: {@code postgresql://USER@HOST[:PORT]/DB[?PARAMS]}
 * ({@code postgres://} and {@code jdbc:postgresql://} work too). A password in it is refused ({@link PasswordInUrl}):
 * it comes from {@code PGPASSWORD} or, where a command reads {@code sluice.yaml}, from its {@code source.password}.
 */
public record SourceUrl(String host, int port, String database, String user, String password,
                        Map<String, String> parameters) {

    public SourceUrl {
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public SourceUrl(String host, int port, String database, String user, String password) {
        this(host, port, database, user, password, Map.of());
    }

    /** For commands without a config file: the password comes from PGPASSWORD. */
    public static SourceUrl parse(String text) {
        PasswordInUrl.refuse("--source-url", text, "the PGPASSWORD environment variable");
        String raw = text.startsWith("jdbc:") ? text.substring("jdbc:".length()) : text;
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw invalid(text);
        }
        if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme())) {
            throw invalid(text);
        }
        String host = uri.getHost();
        String path = uri.getPath();
        if (host == null || path == null || path.length() < 2) {
            throw invalid(text);
        }
        String user = "postgres";
        String password = System.getenv().getOrDefault("PGPASSWORD", "");
        if (uri.getRawUserInfo() != null) {
            user = decode(uri.getRawUserInfo());
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        // driver parameters (sslmode=verify-full, sslrootcert=...) are kept: the JDBC driver and Debezium get them
        Map<String, String> parameters = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                if (!pair.isEmpty()) {
                    String[] kv = pair.split("=", 2);
                    parameters.put(decode(kv[0]), kv.length == 2 ? decode(kv[1]) : "");
                }
            }
        }
        String u = parameters.remove("user");
        if (u != null) {
            user = u;
        }
        return new SourceUrl(host, port, path.substring(1), user, password, parameters);
    }

    /** The same source with another password (e.g. from a config file's {@code source.password}). */
    public SourceUrl withPassword(String newPassword) {
        return new SourceUrl(host, port, database, user, newPassword, parameters);
    }

    /** The URL text with any password in it blanked, for messages. */
    public static String withoutPassword(String text) {
        return text.replaceAll("(//[^:/@]+:)[^@/]*@", "$1***@").replaceAll("(?i)([?&]password=)[^&]*", "$1***");
    }

    public String jdbcUrl() {
        String url = "jdbc:postgresql://" + host + ":" + port + "/" + database;
        if (parameters.isEmpty()) {
            return url;
        }
        StringBuilder query = new StringBuilder();
        parameters.forEach((k, v) -> query.append(query.isEmpty() ? "?" : "&").append(encode(k)).append('=').append(encode(v)));
        return url + query;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    /** The address without the password, for printing. */
    public String display() {
        return "postgresql://" + user + "@" + host + ":" + port + "/" + database;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("--source-url '" + text
                + "' is not a PostgreSQL URL; write it as postgresql://USER@HOST:PORT/DATABASE (password in PGPASSWORD).");
    }
}
