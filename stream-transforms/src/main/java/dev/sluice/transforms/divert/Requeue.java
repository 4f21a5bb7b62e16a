package dev.sluice.transforms.divert;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * The way back in for quarantined records ({@code sluice replay --quarantine}): they are sent to
 * {@code <pipeline>.requeue} with {@link #HEADER_STEP} naming the step that quarantined them, and re-enter the
 * pipeline just before that step (they passed the steps before it already), to be judged afresh. They go back to the
 * partition their task had when they left ({@link #HEADER_PARTITION}, set by {@link Divert}), so a later step that
 * keeps per-key state without regrouping finds them in the task that holds their key, and keep the topic they were
 * read from ({@link #HEADER_TOPIC}) for the output's name.
 */
public final class Requeue {

    /** The step a requeued record re-enters before. */
    public static final String HEADER_STEP = "sluice.requeue.step";
    /** The partition of the task that diverted the record: the partition it goes back to. */
    public static final String HEADER_PARTITION = "sluice.requeue.partition";
    /**
     * The topic the diverted record was read from: a requeued record keeps it to its output, whose name a template
     * such as {@code clean.${schema}.${table}} takes from the source topic ({@link #originTopic}).
     */
    public static final String HEADER_TOPIC = "sluice.requeue.topic";

    private Requeue() {
    }

    /** The records of {@code requeued} meant for {@code step}, their requeue headers removed (processor {@code <step>-requeued}). */
    public static <K, V> KStream<K, V> forStep(KStream<K, V> requeued, String step) {
        return requeued.processValues(() -> new FixedKeyProcessor<K, V, V>() {
            private FixedKeyProcessorContext<K, V> context;

            @Override
            public void init(FixedKeyProcessorContext<K, V> context) {
                this.context = context;
            }

            @Override
            public void process(FixedKeyRecord<K, V> record) {
                if (step.equals(text(record.headers(), HEADER_STEP))) {
                    record.headers().remove(HEADER_STEP);
                    record.headers().remove(HEADER_PARTITION);
                    context.forward(record);
                }
            }
        }, Named.as(step + "-requeued"));
    }

    /**
     * Fails each record of {@code requeued} whose step the pipeline no longer has (processor {@code requeue-unknown-step}),
     * so the processing-exception handler puts it in {@code <pipeline>.dlq} with the reason instead of dropping it:
     * where it should re-enter cannot be known any more.
     */
    public static <K, V> void refuseUnknownSteps(KStream<K, V> requeued, String pipeline, java.util.Set<String> steps) {
        requeued.processValues(() -> new FixedKeyProcessor<K, V, V>() {
            @Override
            public void process(FixedKeyRecord<K, V> record) {
                String step = text(record.headers(), HEADER_STEP);
                if (!steps.contains(step)) {
                    throw new IllegalArgumentException("A record sent back from the quarantine is for step '" + step
                            + "', which pipeline " + pipeline + " no longer has (its quarantining steps: " + steps
                            + "); restore a step of that name, or send the record on by hand.");
                }
            }
        }, Named.as("requeue-unknown-step"));
    }

    /**
     * Marks a record leaving by a requeueable exit: the partition of its task, and (only when it is a source topic, so
     * the same input gives the same side topic under any application id) the topic it was read from.
     */
    static void mark(Headers headers, org.apache.kafka.streams.processor.api.ProcessingContext context) {
        headers.remove(HEADER_PARTITION);
        headers.add(HEADER_PARTITION, Integer.toString(context.taskId().partition()).getBytes(StandardCharsets.UTF_8));
        if (headers.lastHeader(HEADER_TOPIC) == null) { // a second trip keeps the first
            context.recordMetadata().map(m -> m.topic())
                    .filter(topic -> !topic.startsWith(context.applicationId() + "-")) // not an internal topic
                    .ifPresent(topic -> headers.add(HEADER_TOPIC, topic.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** The topic a record came from: its {@link #HEADER_TOPIC} when it was requeued, else the topic it was read from. */
    public static String originTopic(org.apache.kafka.streams.processor.RecordContext context) {
        String requeued = text(context.headers(), HEADER_TOPIC);
        return requeued != null ? requeued : context.topic();
    }

    /** The last value of {@code header} as UTF-8 text, or null. */
    public static String text(Headers headers, String header) {
        Header last = headers.lastHeader(header);
        return last == null || last.value() == null ? null : new String(last.value(), StandardCharsets.UTF_8);
    }
}
