package dev.sluice.transforms.divert;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Side exits of a pipeline ({@code <pipeline>.late}, {@code <pipeline>.quarantine}): a step marks a record
 * with a header saying why it leaves; {@link #byHeader} sends marked records to their topic, header included (and
 * {@link Requeue#HEADER_PARTITION}, the task's partition), and lets the rest continue. A header rather than a wrapper value keeps every step's types plain, and the
 * reason travels with the record to whoever reads the side topic.
 */
public final class Divert {

    private Divert() {
    }

    /**
     * Records of {@code stream} that carry {@code header} go to {@code topic} (processors {@code <name>} and
     * {@code <name>-sink}); the returned stream has the others (processor {@code <name>-pass}).
     */
    public static <K, V> KStream<K, V> byHeader(KStream<K, V> stream, String header, String name, String topic,
                                                Produced<K, V> produced) {
        stream.processValues(gate(header, true), Named.as(name))
                .to(topic, produced.withName(name + "-sink"));
        return stream.processValues(gate(header, false), Named.as(name + "-pass"));
    }

    private static <K, V> FixedKeyProcessorSupplier<K, V, V> gate(String header, boolean marked) {
        return () -> new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<K, V> context;

            @Override
            public void init(FixedKeyProcessorContext<K, V> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<K, V> record) {
                if ((record.headers().lastHeader(header) != null) == marked) {
                    if (marked) {
                        // where a requeued copy must go back to (Requeue)
                        record.headers().remove(Requeue.HEADER_PARTITION);
                        record.headers().add(Requeue.HEADER_PARTITION,
                                Integer.toString(context.taskId().partition()).getBytes(StandardCharsets.UTF_8));
                        if (record.headers().lastHeader(Requeue.HEADER_TOPIC) == null) { // a second trip keeps the first
                            context.recordMetadata().ifPresent(m -> record.headers().add(Requeue.HEADER_TOPIC,
                                    m.topic().getBytes(StandardCharsets.UTF_8)));
                        }
                    }
                    context.forward(record);
                }
            }
        };
    }
}
