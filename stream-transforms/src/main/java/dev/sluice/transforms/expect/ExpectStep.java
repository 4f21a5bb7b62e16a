package dev.sluice.transforms.expect;

import dev.sluice.transforms.divert.Divert;
import io.micrometer.core.instrument.Counter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import dev.sluice.transforms.unwrap.ChangeUnwrapper;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The {@code expect} step: a row that breaks any {@link Rule} goes to {@code <pipeline>.quarantine}, unchanged,
 * with header {@link #HEADER_RULE} naming the step and every rule it broke (e.g. {@code checks: amount in range
 * [0, +inf]}), and is counted; the others continue. Deletes ({@code __deleted}) pass unchecked. Processors {@code <name>}, {@code <name>-quarantine},
 * {@code <name>-quarantine-sink}, {@code <name>-quarantine-pass}.
 */
public final class ExpectStep {

    public static final String HEADER_RULE = "sluice.quarantine.rule";
    public static final String QUARANTINE_TOPIC_SUFFIX = ".quarantine";

    private ExpectStep() {
    }

    public static KStream<GenericRecord, GenericRecord> apply(KStream<GenericRecord, GenericRecord> rows, String name,
                                                              List<Rule> rules, Counter quarantined,
                                                              String quarantineTopic,
                                                              Produced<GenericRecord, GenericRecord> produced) {
        List<Rule> checks = List.copyOf(rules);
        KStream<GenericRecord, GenericRecord> checked = rows.processValues(
                () -> new Checker(name, checks, quarantined), Named.as(name));
        return Divert.byHeader(checked, HEADER_RULE, name + "-quarantine", quarantineTopic, produced, true);
    }

    private static boolean isDeleted(GenericRecord row) {
        Schema.Field flag = row.getSchema().getField(ChangeUnwrapper.DELETED);
        return flag != null && Boolean.TRUE.equals(row.get(flag.pos()));
    }

    private static final class Checker implements FixedKeyProcessor<GenericRecord, GenericRecord, GenericRecord> {
        private final String step;
        private final List<Rule> rules;
        private final Counter quarantined;
        private FixedKeyProcessorContext<GenericRecord, GenericRecord> context;

        Checker(String step, List<Rule> rules, Counter quarantined) {
            this.step = step;
            this.rules = rules;
            this.quarantined = quarantined;
        }

        @Override
        public void init(FixedKeyProcessorContext<GenericRecord, GenericRecord> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<GenericRecord, GenericRecord> record) {
            // a record replayed from the quarantine topic is judged afresh, not by its old verdict
            record.headers().remove(HEADER_RULE);
            if (isDeleted(record.value())) {
                // a delete's image holds the key and placeholders: judging it would quarantine the delete and
                // leave the row alive downstream
                context.forward(record);
                return;
            }
            List<String> broken = new ArrayList<>();
            for (Rule rule : rules) {
                if (!rule.holds(record.value(), step)) {
                    broken.add(rule.toString());
                }
            }
            if (!broken.isEmpty()) {
                quarantined.increment();
                String header = step + ": " + String.join("; ", broken);
                record.headers().add(HEADER_RULE, header.getBytes(StandardCharsets.UTF_8));
            }
            context.forward(record);
        }
    }
}
