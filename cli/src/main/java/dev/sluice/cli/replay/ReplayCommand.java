package dev.sluice.cli.replay;

import dev.sluice.cli.config.ConfigFileOption;
import dev.sluice.cli.config.Section;
import dev.sluice.cli.config.ServiceConfig;
import dev.sluice.cli.service.KafkaOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code sluice replay}: re-runs one pipeline from a point in its input's history. The pipeline must be stopped
 * (its consumer group empty); the command resets it and returns, and the user starts the service again
 * ({@code sluice transform}, {@code sluice local}), because Sluice's pipelines run in those long-lived services,
 * not in this command. The sink's version guard makes the warehouse converge on the replayed rows.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Re-run one pipeline from a point in its input topics' history:",
                "reset its input offsets, delete its internal topics and local state. Stop it first; start it again after."})
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandSpec command;

    @Mixin
    ConfigFileOption config;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--pipeline", paramLabel = "ID",
            description = "The pipeline: a spec's pipeline name, or replica for the replication pipeline.")
    String pipeline;

    @Option(names = "--from", paramLabel = "earliest|TIME|DURATION",
            description = "earliest, an ISO-8601 time (2026-12-04T09:00:00Z) or a duration ago (2h, 30m, 1d).")
    String from;

    @Option(names = "--quarantine", paramLabel = "PIPELINE",
            description = {"Instead: send the records of <pipeline>.quarantine back into the running pipeline, each once,",
                    "just before the step that quarantined them (fix the rule first, or they come back)."})
    String quarantine;

    @Option(names = "--state-dir", description = "The transform service's --state-dir (default: .sluice/streams).")
    Path stateDir;

    @Option(names = "--dry-run", description = "Print the plan; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        if (quarantine != null) {
            if (pipeline != null || from != null || dryRun) {
                throw new IllegalArgumentException("--quarantine stands alone: sluice replay --quarantine PIPELINE sends"
                        + " quarantined records back; sluice replay --pipeline ID --from ... re-runs a pipeline.");
            }
            return replayQuarantine();
        }
        if (pipeline == null || from == null) {
            throw new IllegalArgumentException("sluice replay needs --pipeline ID and --from earliest|TIME|DURATION"
                    + " (or --quarantine PIPELINE alone).");
        }
        ReplayFrom start = ReplayFrom.parse(from, Clock.systemUTC());
        ServiceConfig all = kafka.addTo(new ConfigFileOption.Flags().put(Section.TRANSFORM, "state.dir", stateDir))
                .load(config.file, Section.KAFKA, Section.TRANSFORM);
        StreamsApplication app = application(pipeline, Path.of(all.get(Section.TRANSFORM).getString("state.dir")));
        var out = command.commandLine().getOut();
        try (Admin admin = Admin.create(new HashMap<>(all.kafka()))) {
            String howToStop = "the sluice transform or sluice local that runs pipeline " + pipeline;
            if (!dryRun) {
                app.requireStopped(admin, howToStop); // before the plan: a refused run prints nothing but the refusal
            }
            ReplayPlan plan = Replay.plan(admin, app, start);
            plan.lines().forEach(out::println);
            if (dryRun) {
                out.println("Dry run: nothing changed.");
                return 0;
            }
            Replay.apply(admin, plan, howToStop);
            out.println("Replay of " + app.applicationId() + " prepared; start its service again (sluice transform or"
                    + " sluice local) to reprocess.");
        }
        out.flush();
        return 0;
    }

    /** Sends {@code <pipeline>.quarantine} back into the running pipeline (it need not be stopped). */
    private int replayQuarantine() {
        application(quarantine, Path.of(".")); // checks the name
        ServiceConfig all = kafka.addTo(new ConfigFileOption.Flags()).load(config.file, Section.KAFKA);
        var out = command.commandLine().getOut();
        QuarantineReplay.Result result = new QuarantineReplay(all.kafka(), all.recordSizeLimit()).replay(quarantine,
                r -> out.printf("%s -> %s.requeue, before step %s%n", r.position(), quarantine, r.step()));
        out.printf("Sent %d quarantined record(s) of %s back%s.%n", result.sent(), quarantine,
                result.skipped() == 0 ? "" : "; left " + result.skipped() + " without a " + "sluice.quarantine.rule header");
        out.flush();
        return 0;
    }

    /**
     * Application id {@code sluice-<pipeline>}; its state under {@code <state-dir>/<id>} (the replication pipeline),
     * {@code <state-dir>/specs/<pipeline>/<id>} (a spec, as {@code sluice transform --spec} lays it out) or, beside
     * the default {@code .sluice/streams}, {@code .sluice/specs/<pipeline>/<id>} (a spec under {@code sluice local}).
     * Only those that exist are deleted, and the plan names them.
     */
    static StreamsApplication application(String pipeline, Path stateDir) {
        if (pipeline.isBlank() || !pipeline.matches("[a-zA-Z0-9._-]+")) {
            throw new IllegalArgumentException("--pipeline '" + pipeline + "' is not a pipeline name; pass the"
                    + " pipeline: name of a spec, or replica.");
        }
        String id = "sluice-" + pipeline;
        Path absolute = stateDir.toAbsolutePath();
        return new StreamsApplication(id, List.of(stateDir.resolve(id), stateDir.resolve("specs").resolve(pipeline).resolve(id),
                absolute.resolveSibling("specs").resolve(pipeline).resolve(id)));
    }
}
