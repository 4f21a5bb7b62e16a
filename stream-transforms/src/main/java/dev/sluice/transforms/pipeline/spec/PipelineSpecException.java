package dev.sluice.transforms.pipeline.spec;

/**
 * A pipeline spec that cannot be used, thrown at load before anything runs. The message is one sentence
 * naming the file, line, column and field path, what is wrong and how to fix it, e.g. {@code pipeline.yaml
 * line 7, column 7, steps[1].dedupe.windw: unknown field 'windw'; use one of id, window, allowed-lateness.}
 */
public final class PipelineSpecException extends IllegalArgumentException {

    private final int line;
    private final String path;

    public PipelineSpecException(String source, int line, int column, String path, String problem, String fix) {
        super(source + " line " + line + ", column " + column + ", " + path + ": " + problem + "; " + fix + ".");
        this.line = line;
        this.path = path;
    }

    public int line() {
        return line;
    }

    /** The field path, e.g. {@code steps[1].dedupe.window}. */
    public String path() {
        return path;
    }
}
