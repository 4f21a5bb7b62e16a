package dev.sluice.cli.demo;

import dev.sluice.transforms.pipeline.CustomStep;
import dev.sluice.transforms.row.Fields;
import dev.sluice.transforms.row.Reshape;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * The demo's own step, written with the Java API beside the spec: adds {@code line_revenue = quantity *
 * unit_price} (optional double, null when either is null, as on a key-only delete) to an order-item row. Config
 * {@code quantity}, {@code price} and {@code as} rename the columns; config {@code discount} names a column of money
 * off the line, and the revenue is then net of it ({@code quantity * unit_price - discount}). Without it the revenue
 * is gross, as the shipped shop-revenue.yaml computes it.
 */
public final class LineRevenue implements CustomStep {

    @Override
    public KStream<GenericRecord, GenericRecord> apply(KStream<GenericRecord, GenericRecord> input, Context context) {
        String quantity = context.config().getOrDefault("quantity", "quantity");
        String price = context.config().getOrDefault("price", "unit_price");
        String as = context.config().getOrDefault("as", "line_revenue");
        String discount = context.config().get("discount");
        Schema.Field revenue = new Schema.Field(as, Schema.createUnion(Schema.create(Schema.Type.NULL),
                Schema.create(Schema.Type.DOUBLE)), discount == null ? "quantity * unit_price"
                : "quantity * unit_price - " + discount, Schema.Field.NULL_DEFAULT_VALUE);
        Reshape reshape = new Reshape(schema -> {
            List<Reshape.Column> columns = new ArrayList<>();
            for (Schema.Field field : schema.getFields()) {
                int pos = field.pos();
                columns.add(new Reshape.Column(Reshape.copy(field, field.name(), field.schema()), row -> row.get(pos)));
            }
            columns.add(new Reshape.Column(new Schema.Field(revenue, revenue.schema()), row -> {
                BigDecimal q = Fields.number(row, quantity, context.name());
                BigDecimal p = Fields.number(row, price, context.name());
                BigDecimal off = discount == null ? BigDecimal.ZERO : Fields.number(row, discount, context.name());
                return q == null || p == null || off == null ? null : q.multiply(p).subtract(off).doubleValue();
            }));
            return columns;
        });
        return input.mapValues(reshape::apply, Named.as(context.name()));
    }
}
