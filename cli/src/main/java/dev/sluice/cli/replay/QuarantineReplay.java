package dev.sluice.cli.replay;

import dev.sluice.cli.resend.ExactlyOnceResend;
import dev.sluice.schemas.kafka.RecordSizeLimit;
import dev.sluice.transforms.divert.Requeue;
import dev.sluice.transforms.expect.ExpectStep;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * {@code sluice replay --quarantine PIPELINE}: sends the records of {@code <pipeline>.quarantine} into
 * {@code <pipeline>.requeue}, where the running pipeline takes them in again just before the step that quarantined
 * them ({@link Requeue}) and judges them by its rules as they are now. Each quarantined record is sent once
 * ({@link ExactlyOnceResend}, position in consumer group {@link #group}); one that still breaks a rule comes back to
 * the quarantine and is sent by the next run. The pipeline's exactly-once processing and the sink's version guard do
 * the rest.
 */
final class QuarantineReplay {

    /** What a replay did: records sent back, and records without the header naming their step (left there). */
    record Result(long sent, long skipped) {
    }

    /** One quarantined record as it is sent back: where it sat, and the step it re-enters before. */
    record Requeued(String position, String step) {
    }

    private final ExactlyOnceResend resend;

    QuarantineReplay(Map<String, String> kafka, RecordSizeLimit limit) {
        this.resend = new ExactlyOnceResend(kafka, limit);
    }

    static String group(String pipeline) {
        return "sluice-quarantine-replay-" + pipeline;
    }

    Result replay(String pipeline, Consumer<Requeued> requeued) {
        String quarantine = pipeline + ExpectStep.QUARANTINE_TOPIC_SUFFIX;
        String requeue = pipeline + ".requeue";
        ExactlyOnceResend.Result result = resend.resend(quarantine, group(pipeline),
                "only a pipeline with an expect step or a global/temporal enrich has one (sluice transform creates it).",
                record -> {
                    String step = step(record.headers());
                    if (step == null) {
                        return Optional.empty();
                    }
                    requeued.accept(new Requeued(record.topic() + "-" + record.partition() + "@" + record.offset(), step));
                    return Optional.of(back(record, requeue, step));
                });
        return new Result(result.sent(), result.skipped());
    }

    /** The step named by the quarantine's reason, {@code <step>: <every broken rule>}. */
    private static String step(Headers headers) {
        String reason = Requeue.text(headers, ExpectStep.HEADER_RULE);
        int colon = reason == null ? -1 : reason.indexOf(": ");
        return colon <= 0 ? null : reason.substring(0, colon);
    }

    private static ProducerRecord<byte[], byte[]> back(ConsumerRecord<byte[], byte[]> record, String requeue, String step) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.remove(Requeue.HEADER_STEP);
        headers.add(Requeue.HEADER_STEP, step.getBytes(StandardCharsets.UTF_8));
        String partition = Requeue.text(headers, Requeue.HEADER_PARTITION);
        return new ProducerRecord<>(requeue, partition == null ? null : Integer.valueOf(partition),
                record.timestamp() >= 0 ? record.timestamp() : null, record.key(), record.value(), headers);
    }
}
