package dev.sluice.ingest.source;

import dev.sluice.ingest.control.ControlTables;
import dev.sluice.ingest.publish.TopicNames;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import java.util.Optional;

/**
 * The rules a source must meet, as pure decisions: given what the catalog says, the problem (one
 * sentence with its fix) or empty when the rule holds. {@link SourcePreflight} gathers the facts;
 * keeping the decisions here lets them be tested without a database.
 */
public final class SourceRequirements {

    private SourceRequirements() {
    }

    /** Logical decoding (pgoutput) needs {@code wal_level = logical}; replica or minimal is not enough. */
    public static Optional<String> walLevel(String address, String walLevel) {
        if ("logical".equalsIgnoreCase(walLevel)) {
            return Optional.empty();
        }
        return Optional.of("PostgreSQL at " + address + " has wal_level = " + walLevel
                + "; set wal_level = logical in postgresql.conf and restart PostgreSQL.");
    }

    /** Streaming replication needs the REPLICATION attribute, which a superuser has implicitly. */
    public static Optional<String> replicationRight(String role, boolean canReplicate, boolean superuser) {
        if (canReplicate || superuser) {
            return Optional.empty();
        }
        return Optional.of("Role " + role + " may not start replication; run ALTER ROLE " + quoteIdent(role)
                + " WITH REPLICATION as a superuser.");
    }

    public static String tableMissing(TableId table, String database) {
        return "Table " + table + " does not exist in database " + database
                + "; check the name (schema.table, case-sensitive) or leave it out of --tables.";
    }

    /**
     * Why {@code table} cannot be captured by its name, or null. Debezium's incremental snapshots (the initial load
     * and every backfill) keep the tables still to read in the stored offset as unquoted {@code schema.table} and parse
     * that back at each offset commit: a name with a blank or a dot, one starting with a quote character, or one with
     * a doubled quote character does not survive it, and the engine stops. A double quote anywhere also breaks
     * Debezium's snapshot SQL (left unescaped). A backslash sequence may make the signal an invalid pattern. And Kafka
     * caps a topic name at {@value TopicNames#MAX_TOPIC_LENGTH} characters.
     */
    public static String nameProblem(TableId table, String topicPrefix) {
        String what = unreadable(table.schema());
        what = what != null ? what : unreadable(table.table());
        if (what != null) {
            return "Table " + table + " has " + what + " in its name, which Debezium's incremental snapshots (its initial"
                    + " load and every backfill) cannot read; rename it (ALTER TABLE ... RENAME TO ...) or leave it out of"
                    + " --tables.";
        }
        try {
            Pattern.compile(ControlTables.quoted(table)); // Debezium compiles each backfill signal entry as a pattern
        } catch (PatternSyntaxException e) {
            return "Table " + table + " has a backslash in its name that Debezium's backfill signal reads as a broken"
                    + " regular expression (" + e.getDescription() + "); rename it or leave it out of --tables.";
        }
        String topic = TopicNames.changeTopic(topicPrefix, table);
        if (topic.length() > TopicNames.MAX_TOPIC_LENGTH) {
            return "Table " + table + " would need a change topic of " + topic.length() + " characters, more than"
                    + " Kafka's " + TopicNames.MAX_TOPIC_LENGTH + "; rename it to a shorter name or leave it out of --tables.";
        }
        return null;
    }

    /** What in {@code name} Debezium's table name parser or snapshot SQL cannot take, or null. */
    private static String unreadable(String name) {
        if (name.chars().anyMatch(Character::isWhitespace)) {
            return "a blank";
        }
        if (name.indexOf('.') >= 0) {
            return "a dot";
        }
        if (name.indexOf('"') >= 0) {
            return "a double quote";
        }
        if (name.startsWith("'") || name.startsWith("`")) {
            return "a leading quote";
        }
        if (name.contains("''") || name.contains("``")) {
            return "a doubled quote";
        }
        return null;
    }

    public static String tableWithoutKey(TableId table) {
        return "Table " + table + " has no primary key; add a primary key, or leave it out of --tables"
                + " (REPLICA IDENTITY FULL is not supported yet).";
    }

    public static String noTables(String database) {
        return "Database " + database + " has no table with a primary key outside the system schemas;"
                + " create one, or list the tables to capture with --tables.";
    }

    /** A slot of the right name but another plugin or database cannot be reused by this service. */
    public static Optional<String> existingSlot(String slot, String plugin, String slotDatabase, String database) {
        if (plugin == null) {
            return Optional.empty();
        }
        if (!"pgoutput".equals(plugin) || !database.equals(slotDatabase)) {
            return Optional.of("Replication slot " + slot + " already exists for plugin " + plugin + " in database "
                    + slotDatabase + "; drop it with SELECT pg_drop_replication_slot('" + slot
                    + "') or choose another slot name with --slot.");
        }
        return Optional.empty();
    }

    /** A slot streams to one process at a time: a second ingest on it would fail later, less clearly. */
    public static Optional<String> slotInUse(String slot, Integer activePid, String application) {
        if (activePid == null) {
            return Optional.empty();
        }
        String who = application == null || application.isBlank() ? "" : " (" + application + ")";
        return Optional.of("Replication slot " + slot + " is in use by another process, PostgreSQL backend pid "
                + activePid + who + "; stop the ingest service reading it, or choose another slot name with --slot.");
    }

    /** Debezium alters the publication to the captured tables at start: only its owner (or a superuser) may. */
    public static Optional<String> publicationOwner(String publication, String owner, String user, boolean mayAlter) {
        if (owner == null || mayAlter) {
            return Optional.empty();
        }
        return Optional.of("Publication " + publication + " is owned by role " + owner + ", so user " + user
                + " cannot change its tables; run ALTER PUBLICATION " + quoteIdent(publication) + " OWNER TO "
                + quoteIdent(user) + " as " + owner + " or a superuser, or choose another publication with --publication.");
    }

    public static String sourceUnreachable(String address, String cause) {
        return "Cannot connect to PostgreSQL at " + address + " (" + cause
                + "); check that it is running and that host, port, database, user and password are right.";
    }

    public static String kafkaUnreachable(String bootstrapServers, long timeoutMs, String cause) {
        return "Cannot reach Kafka at " + bootstrapServers + " within " + timeoutMs + " ms (" + cause
                + "); check --bootstrap-servers and that the brokers are up.";
    }

    static String quoteIdent(String role) {
        // lower-case plain names need no quotes; anything else must be quoted to name the same role
        return role.matches("[a-z_][a-z0-9_$]*") ? role : "\"" + role.replace("\"", "\"\"") + "\"";
    }
}
