package dev.sluice.cli.source;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A PostgreSQL address as users write it: {@code postgresql://USER[:PASSWORD]@HOST[:PORT]/DB}
 * ({@code postgres://} and {@code jdbc:postgresql://} work too). Without a password in the URL,
 * {@code PGPASSWORD} from the environment is used, so secrets need not appear on a command line.
 */
public record SourceUrl(String host, int port, String database, String user, String password) {

    public static SourceUrl parse(String text) {
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
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = decode(parts[0]);
            if (parts.length == 2) {
                password = decode(parts[1]);
            }
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        return new SourceUrl(host, port, path.substring(1), user, password);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
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
