package dev.sluice.transforms.divert;

import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorSupplier;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Side exits of a pipeline ({@code <pipeline>.late}, {@code <pipeline>.quarantine}): a step marks a record
 * with a header saying why it leaves; {@link #byHeader} sends marked records to their topic, header included (the
 * quarantine's also with where they may come back to, {@link Requeue}), and lets the rest continue. A header rather than a wrapper value keeps every step's types plain, and the
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
        return byHeader(stream, header, name, topic, produced, false);
    }

    /**
     * As above; a {@code requeueable} exit (the quarantine) also marks each record with where it may come back to
     * ({@link Requeue}).
     */
    public static <K, V> KStream<K, V> byHeader(KStream<K, V> stream, String header, String name, String topic,
                                                Produced<K, V> produced, boolean requeueable) {
        stream.processValues(gate(header, true, requeueable), Named.as(name))
                .to(topic, produced.withName(name + "-sink"));
        return stream.processValues(gate(header, false, false), Named.as(name + "-pass"));
    }

    private static <K, V> FixedKeyProcessorSupplier<K, V, V> gate(String header, boolean marked, boolean requeueable) {
        return () -> new FixedKeyProcessor<>() {
            private FixedKeyProcessorContext<K, V> context;

            @Override
            public void init(FixedKeyProcessorContext<K, V> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<K, V> record) {
                if ((record.headers().lastHeader(header) != null) == marked) {
                    if (requeueable) {
                        Requeue.mark(record.headers(), context);
                    }
                    context.forward(record);
                }
            }
        };
    }
}
