package dev.sluice.transforms.filter;

import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/** The {@code filter} step: keeps the rows for which every condition holds (processor {@code <name>}). */
public final class FilterStep {

    private FilterStep() {
    }

    public static KStream<GenericRecord, GenericRecord> apply(KStream<GenericRecord, GenericRecord> rows, String name,
                                                              java.util.List<Condition> conditions) {
        return rows.filter((key, row) -> conditions.stream().allMatch(c -> c.test(row, name)), Named.as(name));
    }
}
