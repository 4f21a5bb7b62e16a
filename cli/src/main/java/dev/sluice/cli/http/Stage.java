package dev.sluice.cli.http;

/** One part of a service whose health is checked: asked for its status at every check and every health request. */
@FunctionalInterface
public interface Stage {

    /** Must answer within a few seconds and never throw: a probe that cannot tell reports its stage not live. */
    StageStatus status();
}
