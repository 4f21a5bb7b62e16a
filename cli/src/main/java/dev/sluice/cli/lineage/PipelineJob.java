package dev.sluice.cli.lineage;

import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A stream-transforms pipeline (replication or a user's spec): its source topics (those its pattern matches now)
 * and joined dimension topics in; per source topic its output topic, with column lineage, and its side topics
 * (dead letters, and for a spec quarantine and late records) out.
 */
public final class PipelineJob implements JobLineage {

    private final PipelineSpec spec;
    private final List<String> sideTopics;

    /** @param sideTopics the topics the pipeline diverts records to (its dead-letter topic, quarantine, late) */
    public PipelineJob(PipelineSpec spec, List<String> sideTopics) {
        this.spec = spec;
        this.sideTopics = List.copyOf(sideTopics);
    }

    /** A user's spec: dead letters, quarantine and late records each have their topic. */
    public static PipelineJob ofSpec(PipelineSpec spec) {
        return new PipelineJob(spec, List.of(spec.dlqTopic(), spec.quarantineTopic(), spec.lateTopic()));
    }

    @Override
    public String name() {
        return "transform." + spec.pipeline();
    }

    @Override
    public String type() {
        return "TRANSFORM";
    }

    /** The topics the pipeline reads records from, as of the catalog's last listing. */
    List<String> sourceTopics(TopicCatalog catalog) {
        if (spec.source().pattern() == null) {
            return spec.source().topics();
        }
        return catalog.topics().stream().filter(t -> spec.source().pattern().matcher(t).matches())
                .filter(t -> !sideTopics.contains(t)).toList();
    }

    @Override
    public List<Dataset> inputs(TopicCatalog catalog) {
        Set<String> topics = new LinkedHashSet<>(sourceTopics(catalog));
        spec.steps().forEach(step -> topics.addAll(step.joinedTopics()));
        return topics.stream().map(catalog::dataset).toList();
    }

    @Override
    public List<Dataset> outputs(TopicCatalog catalog) {
        Map<String, Map<String, List<ColumnLineage.InputField>>> lineage = new LinkedHashMap<>();
        for (String source : sourceTopics(catalog)) {
            String output = spec.output().topicFor(source);
            Map<String, List<ColumnLineage.InputField>> columns = lineage.computeIfAbsent(output, o -> new LinkedHashMap<>());
            Optional<Schema> rows = catalog.rowSchema(source).filter(s -> s.getType() == Schema.Type.RECORD);
            rows.flatMap(r -> ColumnLineage.of(spec, catalog.dataset(source), r, catalog::dataset, catalog::rowSchema))
                    .ifPresent(c -> c.forEach((column, inputs) -> columns.computeIfAbsent(column, k -> new ArrayList<>())
                            .addAll(inputs)));
        }
        List<Dataset> outputs = new ArrayList<>();
        lineage.forEach((topic, columns) -> {
            Dataset d = catalog.dataset(topic);
            outputs.add(columns.isEmpty() ? d : d.with("columnLineage", Facets.columnLineage(columns)));
        });
        sideTopics.forEach(t -> outputs.add(catalog.dataset(t)));
        return outputs;
    }
}
