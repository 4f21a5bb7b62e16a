package dev.sluice.transforms.unwrap;

import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.pipeline.spec.StepBuild;
import dev.sluice.transforms.pipeline.spec.StepColumns;
import dev.sluice.transforms.pipeline.spec.StepPlace;
import dev.sluice.transforms.pipeline.spec.StepSpec;
import dev.sluice.transforms.pipeline.spec.StepYaml;
import dev.sluice.transforms.row.Fields;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;

/**
 * {@code - unwrap: {}}: Debezium change envelope to row (every column + {@code __source_ts}, {@code __version},
 * {@code __deleted}), see {@link ChangeUnwrapper}.
 */
public record UnwrapSpec(String name, int line) implements StepSpec {

    public static UnwrapSpec parse(StepYaml step) {
        step.only();
        return new UnwrapSpec(step.name(), step.line());
    }

    @Override
    public String type() {
        return "unwrap";
    }

    @Override
    public boolean unwraps() {
        return true;
    }

    @Override
    public void checkPlace(StepPlace place) {
        if (place.rows()) {
            throw place.problem(place.sourceFormat() == PipelineSpec.Format.ROW
                    ? "the source carries rows, which need no unwrap" : "the records are already unwrapped",
                    "remove this step");
        }
    }

    @Override
    public KStream<GenericRecord, GenericRecord> addTo(KStream<GenericRecord, GenericRecord> input, StepBuild build) {
        ChangeUnwrapper unwrapper = new ChangeUnwrapper();
        return input.mapValues(unwrapper::unwrap, Named.as(name));
    }

    @Override
    public Optional<StepColumns> columnsAfter(StepColumns before) {
        Schema.Field after = before.envelope().getField("after");
        if (after == null) {
            return Optional.empty(); // not an envelope: the DLQ will say so per record
        }
        Map<String, Schema> columns = new LinkedHashMap<>();
        Fields.nonNull(after.schema()).getFields().forEach(f -> columns.put(f.name(), f.schema()));
        columns.put(ChangeUnwrapper.SOURCE_TS, Schema.create(Schema.Type.LONG));
        columns.put(ChangeUnwrapper.VERSION, Schema.create(Schema.Type.LONG));
        columns.put(ChangeUnwrapper.DELETED, Schema.create(Schema.Type.BOOLEAN));
        return Optional.of(before.with(columns));
    }
}
