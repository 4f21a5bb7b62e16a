package dev.sluice.schemas.domain;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.apache.avro.Schema;

/**
 * The versioned Avro schemas (.avsc, in {@code schemas/src/main/avro}) of the demo pipeline's outputs: the rows of
 * {@code customers}, {@code products}, {@code orders} and {@code order_items} as they appear on the
 * {@code replica.public.<table>} topics. A change to one must stay backward compatible with its previous version,
 * which the build checks ({@link BackwardCompatibility}).
 */
public final class DomainSchemas {

    /** The demo tables that have a row schema. */
    public static final List<String> TABLES = List.of("customers", "products", "orders", "order_items");
    private static final String RESOURCE_DIR = "/dev/sluice/schemas/domain/";

    private DomainSchemas() {
    }

    /** The row schema of {@code table}; fails naming the table when there is none. */
    public static Schema row(String table) {
        try (InputStream in = DomainSchemas.class.getResourceAsStream(RESOURCE_DIR + table + ".avsc")) {
            if (in == null) {
                throw new IllegalArgumentException("there is no domain schema for table '" + table + "'; known: " + TABLES);
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the domain schema of table '" + table + "': " + e.getMessage(), e);
        }
    }
}
