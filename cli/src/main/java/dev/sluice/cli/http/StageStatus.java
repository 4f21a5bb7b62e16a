package dev.sluice.cli.http;

/**
 * How one stage of a service is doing, as {@code /health/live} and {@code /health/ready} report it.
 *
 * @param stage  the stage's name (ingest, transform, connect, registry, or a pipeline's name)
 * @param state  what the stage itself says (STREAMING, RUNNING, REBALANCING, FAILED, ...)
 * @param live   false once the stage stopped working: the process should be restarted
 * @param ready  true only while the stage does its job
 * @param detail a sentence a person can act on (the cause, when not live); may be empty
 */
public record StageStatus(String stage, String state, boolean live, boolean ready, String detail) {

    public static StageStatus ready(String stage, String state) {
        return new StageStatus(stage, state, true, true, "");
    }

    public static StageStatus starting(String stage, String state, String detail) {
        return new StageStatus(stage, state, true, false, detail);
    }

    public static StageStatus failed(String stage, String state, String cause) {
        return new StageStatus(stage, state, false, false, cause);
    }
}
