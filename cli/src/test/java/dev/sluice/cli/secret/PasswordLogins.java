package dev.sluice.cli.secret;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;

/** Test roles that must log in with their password, so a run that works proves its password references resolved. */
public final class PasswordLogins {

    private PasswordLogins() {
    }

    /** Roles named here must log in with their password over TCP (scram-sha-256); the rest of the server stays on trust. */
    public static void require(Statement s, List<String> roles) throws Exception {
        Path hba;
        try (ResultSet r = s.executeQuery("SHOW hba_file")) {
            r.next();
            hba = Path.of(r.getString(1));
        }
        StringBuilder lines = new StringBuilder();
        for (String role : roles) {
            for (String database : List.of("all", "replication")) {
                lines.append("host ").append(database).append(' ').append(role).append(" 127.0.0.1/32 scram-sha-256\n")
                        .append("host ").append(database).append(' ').append(role).append(" ::1/128 scram-sha-256\n");
            }
        }
        Files.writeString(hba, lines + Files.readString(hba));
        s.execute("SELECT pg_reload_conf()");
    }
}
