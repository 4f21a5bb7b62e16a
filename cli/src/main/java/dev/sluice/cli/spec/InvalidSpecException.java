package dev.sluice.cli.spec;

/**
 * A pipeline spec the command line refuses before anything runs, for a reason the parser cannot see alone: two
 * specs with one pipeline name, a step naming a column the registered schemas lack, a salt missing from the
 * environment. Like the parser's {@link dev.sluice.transforms.pipeline.spec.PipelineSpecException} it makes the
 * command exit with 1.
 */
public final class InvalidSpecException extends IllegalArgumentException {

    public InvalidSpecException(String message) {
        super(message);
    }
}
