package dev.sluice.transforms.pipeline.spec;

/**
 * Where a step stands in its pipeline: whether the records there are rows (after {@code unwrap}, or from a row
 * source) or still change envelopes. A step refuses a place it cannot work in with an error naming its line.
 */
public record StepPlace(boolean rows, PipelineSpec.Format sourceFormat, YamlNode.Entry entry, String path,
                        SpecReader read) {

    public void requireRows(String type) {
        if (!rows) {
            throw problem("'" + type + "' works on rows, but the records are still change envelopes here",
                    "add '- unwrap: {}' before it");
        }
    }

    public PipelineSpecException problem(String what, String fix) {
        return read.error(entry, path, what, fix);
    }
}
