package dev.sluice.cli.drain;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The exact condition under which a warehouse holds every change the source made before the load stopped:
 * every replicated table's completeness frontier ({@code _sluice_progress.complete_version}) has reached the
 * source's WAL position read when writing stopped. No lag heuristics: a change still in flight anywhere keeps
 * the frontier of its table below the target, because heartbeats travel behind the changes they follow.
 *
 * @param lsn    the source position at which writing stopped
 * @param tables the warehouse tables that must reach it
 */
public record CompletionTarget(long lsn, List<String> tables) {

    public CompletionTarget {
        tables = List.copyOf(tables);
    }

    /** True when every table's frontier is at or past the target. */
    public boolean reachedBy(Map<String, Long> frontier) {
        return tables.stream().allMatch(t -> frontier.getOrDefault(t, -1L) >= lsn);
    }

    /** The tables still short of the target, with their frontier, for a message. */
    public String shortfall(Map<String, Long> frontier) {
        return tables.stream().filter(t -> frontier.getOrDefault(t, -1L) < lsn)
                .map(t -> t + " at " + Lsn.format(frontier.getOrDefault(t, -1L)))
                .collect(Collectors.joining(", ")) + " (target " + Lsn.format(lsn) + ")";
    }
}
