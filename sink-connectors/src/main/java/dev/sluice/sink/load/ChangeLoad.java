package dev.sluice.sink.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

/**
 * A reproducible load of row-topic changes for an {@code items(id)} table: per key an insert, updates and sometimes a
 * delete, with versions growing per key like LSNs; some changes are repeated (redelivery) and the whole list is
 * shuffled, so a key's versions arrive out of order. {@link #expected()} is what the warehouse must hold afterwards.
 */
public final class ChangeLoad {
    public static final Schema KEY = SchemaBuilder.struct().name("replica.public.items.Key").field("id", Schema.INT32_SCHEMA).build();
    public static final Schema VALUE = SchemaBuilder.struct().name("replica.public.items.Value")
            .field("id", Schema.INT32_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("amount", Schema.OPTIONAL_INT64_SCHEMA)
            .field("__source_ts", Schema.INT64_SCHEMA).field("__version", Schema.INT64_SCHEMA)
            .field("__deleted", Schema.BOOLEAN_SCHEMA).build();
    /** Rows as {@link #expected()} spells them; a deleted row keeps only its key, version and flag comparable. */
    public static final String ROWS = rows("items");

    /** {@link #ROWS} from another table holding these columns (another sink's), its name quoted here. */
    public static String rows(String table) {
        return "SELECT \"id\", \"name\", \"amount\", \"__version\", \"__deleted\" FROM \"" + table.replace("\"", "\"\"") + "\"";
    }

    /** One change of one key. */
    public record Change(int id, long version, boolean deleted) {
        public Struct key() {
            return new Struct(KEY).put("id", id);
        }

        public Struct value() {
            return new Struct(VALUE).put("id", id).put("name", deleted ? null : "item " + id + " v" + version)
                    .put("amount", deleted ? null : (long) id * version).put("__source_ts", 1_700_000_000_000L + version)
                    .put("__version", version).put("__deleted", deleted);
        }

        String row() {
            return deleted ? id + "|deleted|" + version : id + "|item " + id + " v" + version + "|" + (long) id * version + "|"
                    + version + "|false";
        }
    }

    private final List<Change> changes = new ArrayList<>();
    private final Map<Integer, Change> newest = new TreeMap<>();

    /** Exactly {@code total} changes (duplicates included), about one key per four changes. */
    public ChangeLoad(int total, long seed) {
        Random random = new Random(seed);
        long lsn = 1_000;
        int id = 0;
        while (changes.size() < total) {
            int versions = 1 + random.nextInt(5);
            boolean endsDeleted = random.nextInt(10) == 0;
            for (int v = 0; v < versions && changes.size() < total; v++) {
                lsn += 1 + random.nextInt(3);
                Change c = new Change(id, lsn, endsDeleted && v == versions - 1);
                changes.add(c);
                newest.put(id, c);
                if (random.nextInt(10) == 0 && changes.size() < total) {
                    changes.add(c); // delivered twice
                }
            }
            id++;
        }
        Collections.shuffle(changes, random);
    }

    public List<Change> changes() {
        return changes;
    }

    /** The warehouse rows, sorted by id, in the form of {@link #normalize}. */
    public List<String> expected() {
        return newest.values().stream().map(Change::row).toList();
    }

    /** The newest version of every key: what a version-guarded sink keeps, deleted or not. */
    public Map<Integer, Long> newestVersions() {
        Map<Integer, Long> versions = new TreeMap<>();
        newest.forEach((id, c) -> versions.put(id, c.version()));
        return versions;
    }

    /** Turns {@link #ROWS} output into the comparable form: a soft-deleted row's other columns do not matter. */
    public static List<String> normalize(List<String> rows) {
        return rows.stream().map(r -> r.split("\\|")).sorted((a, b) -> Integer.compare(Integer.parseInt(a[0]), Integer.parseInt(b[0])))
                .map(c -> "true".equals(c[4]) ? c[0] + "|deleted|" + c[3] : String.join("|", c)).toList();
    }
}
