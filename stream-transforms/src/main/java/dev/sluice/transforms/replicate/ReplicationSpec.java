package dev.sluice.transforms.replicate;

import dev.sluice.transforms.dedupe.Dedupe;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * What the replication pipeline does: read every change topic {@code <prefix>.<schema>.<table>}, dedupe,
 * unwrap, and write rows to {@code <pipeline>.<schema>.<table>}. Validated on construction.
 *
 * @param prefix          change-topic prefix (cdc-ingest's), default {@code sluice}
 * @param pipeline        pipeline name: row-topic prefix and part of the application id, default {@code replica}
 * @param dedupeRetention how long behind stream time a duplicate is still recognised, default 1 hour
 */
public record ReplicationSpec(String prefix, String pipeline, Duration dedupeRetention) {

    public static final String DEFAULT_PREFIX = "sluice";
    public static final String DEFAULT_PIPELINE = "replica";

    // topic-name characters Kafka allows, minus the dot that separates the parts we parse
    private static final Pattern NAME_PART = Pattern.compile("[a-zA-Z0-9_-]+");

    public ReplicationSpec {
        requireTopicPrefix("prefix", prefix);
        requireTopicPrefix("pipeline", pipeline);
        if (prefix.equals(pipeline)) {
            throw new IllegalArgumentException("Pipeline name '" + pipeline + "' equals the change-topic prefix, so the"
                    + " pipeline would read its own output; choose another pipeline name (default 'replica').");
        }
        if (dedupeRetention == null || dedupeRetention.isNegative() || dedupeRetention.isZero()) {
            throw new IllegalArgumentException("Dedupe retention must be positive, got " + dedupeRetention
                    + "; set it to how long a duplicate may trail the original (default 1h).");
        }
    }

    /** Prefix {@code sluice}, pipeline {@code replica}, dedupe retention 1 hour. */
    public static ReplicationSpec defaults() {
        return new ReplicationSpec(DEFAULT_PREFIX, DEFAULT_PIPELINE, Dedupe.DEFAULT_RETENTION);
    }

    public ReplicationSpec withPrefix(String newPrefix) {
        return new ReplicationSpec(newPrefix, pipeline, dedupeRetention);
    }

    public ReplicationSpec withPipeline(String newPipeline) {
        return new ReplicationSpec(prefix, newPipeline, dedupeRetention);
    }

    public ReplicationSpec withDedupeRetention(Duration retention) {
        return new ReplicationSpec(prefix, pipeline, retention);
    }

    /** The subscription: {@code <prefix>.<schema>.<table>}, so tables created later are picked up. */
    public Pattern inputPattern() {
        return Pattern.compile(Pattern.quote(prefix) + "\\.[^.]+\\.[^.]+");
    }

    /** The row topic for a change topic: {@code <pipeline>.<schema>.<table>}. */
    public String outputTopicFor(String inputTopic) {
        if (!isInputTopic(inputTopic)) {
            throw new IllegalArgumentException("Topic '" + inputTopic + "' is not a change topic '" + prefix
                    + ".<schema>.<table>'; check the pipeline's prefix.");
        }
        return pipeline + inputTopic.substring(prefix.length());
    }

    /** Whether {@code topic} matches {@link #inputPattern()} (without a regex: this runs per record). */
    public boolean isInputTopic(String topic) {
        if (topic == null || topic.length() <= prefix.length() + 1 || !topic.startsWith(prefix)
                || topic.charAt(prefix.length()) != '.') {
            return false;
        }
        String rest = topic.substring(prefix.length() + 1);
        int dot = rest.indexOf('.');
        return dot > 0 && dot < rest.length() - 1 && rest.indexOf('.', dot + 1) < 0;
    }

    private static void requireTopicPrefix(String what, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("The " + what + " must not be empty; set it (e.g. '"
                    + ("prefix".equals(what) ? DEFAULT_PREFIX : DEFAULT_PIPELINE) + "').");
        }
        for (String part : value.split("\\.", -1)) {
            if (!NAME_PART.matcher(part).matches()) {
                throw new IllegalArgumentException("The " + what + " '" + value + "' is not a valid topic prefix;"
                        + " use letters, digits, '_', '-' and single dots between parts.");
            }
        }
    }
}
