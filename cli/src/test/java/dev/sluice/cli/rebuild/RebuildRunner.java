package dev.sluice.cli.rebuild;

import picocli.CommandLine;

/** For ITs outside this package: what {@code sluice rebuild start ARGS} starts before it waits to be stopped. */
public final class RebuildRunner {

    private RebuildRunner() {
    }

    /** Starts the rebuild; fails when an input partition lost its start (these tests rebuild from whole topics). */
    public static ShadowRun start(String... args) throws Exception {
        RebuildStartCommand.Started started = CommandLine.populateCommand(new RebuildStartCommand(), args).start();
        if (!started.truncated().isEmpty()) {
            started.run().close();
            throw new AssertionError("input partitions that lost their start: " + started.truncated());
        }
        return started.run();
    }
}
