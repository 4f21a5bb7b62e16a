package dev.sluice.transforms.dedupe;

import dev.sluice.transforms.pipeline.spec.StepBuild;
import dev.sluice.transforms.pipeline.spec.StepPlace;
import dev.sluice.transforms.pipeline.spec.StepSpec;
import dev.sluice.transforms.pipeline.spec.StepYaml;
import java.time.Duration;
import java.util.List;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;

/**
 * {@code - dedupe: {window: 1h, allowed-lateness: 10m, id: [fields...]}}: windowed dedupe ({@code window} set,
 * {@link WindowedDedupe}), or the replication pipeline's first dedupe ({@code retention} set, {@link Dedupe}).
 * {@code idFields} empty: the change's LSN + op + key, which needs change envelopes.
 */
public record DedupeSpec(String name, int line, List<String> idFields, DedupeWindow window, Duration retention)
        implements StepSpec {

    public DedupeSpec {
        idFields = List.copyOf(idFields);
    }

    public static DedupeSpec parse(StepYaml step) {
        step.only("id", "window", "allowed-lateness", "retention");
        List<String> id = step.has("id") ? step.read().strings(step.node("id"), step.at("id")) : List.of();
        if (step.has("retention")) {
            for (String windowed : List.of("window", "allowed-lateness", "id")) {
                if (step.has(windowed)) {
                    throw step.error(step.node(windowed), windowed, "'retention' (the replication dedupe) cannot be"
                            + " combined with '" + windowed + "'",
                            "use either 'retention' alone or 'window' and 'allowed-lateness'");
                }
            }
            return new DedupeSpec(step.name(), step.line(), List.of(), null,
                    step.read().duration(step.node("retention"), step.at("retention")));
        }
        Duration window = step.has("window") ? step.read().duration(step.node("window"), step.at("window"))
                : DedupeWindow.DEFAULT_WINDOW;
        Duration lateness = step.has("allowed-lateness")
                ? step.read().duration(step.node("allowed-lateness"), step.at("allowed-lateness"))
                : DedupeWindow.DEFAULT_ALLOWED_LATENESS;
        if (window.isZero()) {
            throw step.error(step.node("window"), "window", "the window must be positive",
                    "set how far apart in event time two copies of one event may be, e.g. 1h");
        }
        return new DedupeSpec(step.name(), step.line(), id, new DedupeWindow(window, lateness), null);
    }

    @Override
    public String type() {
        return "dedupe";
    }

    @Override
    public void checkPlace(StepPlace place) {
        if (idFields.isEmpty() && place.rows()) {
            throw place.problem("the default event id (the change's LSN + key) needs change envelopes, but the"
                    + " records are rows here", "move dedupe before unwrap or give it 'id: [fields...]'");
        }
    }

    @Override
    public KStream<GenericRecord, GenericRecord> addTo(KStream<GenericRecord, GenericRecord> input, StepBuild build) {
        EventIdExtractor ids = idFields.isEmpty() ? new ChangeEventId() : new FieldEventId(idFields);
        if (window == null) {
            return Dedupe.apply(input, name, retention, ids, build.metrics().duplicates());
        }
        return WindowedDedupe.apply(input, name, window, ids, build.metrics().duplicates(), build.metrics().late(),
                build.pipeline().lateTopic(), build.produced());
    }
}
