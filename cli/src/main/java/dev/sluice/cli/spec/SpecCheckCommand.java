package dev.sluice.cli.spec;

import dev.sluice.schemas.registry.RestSchemaRegistryClient;
import dev.sluice.schemas.registry.SchemaRegistryClient;
import dev.sluice.transforms.pipeline.spec.PipelineSpec;
import dev.sluice.transforms.replicate.ReplicationSpec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code sluice spec check PATH... [--registry-url URL]}: validates pipeline specs without running them, one line
 * per spec ({@code <file>: ok} or the error naming file, line and field), exit 0 when every spec is fine, else 1.
 * With a registry, every column a step names is checked against the latest registered value schema of the spec's
 * input (and joined) topics; a topic with nothing registered yet is named as not checked.
 */
@Command(name = "check", mixinStandardHelpOptions = true,
        description = {"Validate pipeline specs: one line per spec, exit 0 when all are fine, else 1.",
                "With --registry-url, check the columns each step names against the registered schemas."})
public final class SpecCheckCommand implements Callable<Integer> {

    /** Hashing masks are checked for their salt when a pipeline starts, not here: any salt compiles them. */
    private static final String PLACEHOLDER_SALT = "spec-check-placeholder-salt";

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Spec files (YAML) or directories of *.yaml/*.yml specs.")
    List<Path> paths;

    @Option(names = "--registry-url", paramLabel = "URL",
            description = "Schema Registry REST API: also check each step's columns against the input topics' schemas.")
    String registryUrl;

    @Spec
    CommandSpec command;

    @Override
    public Integer call() {
        PrintWriter out = command.commandLine().getOut();
        // a registry that does not answer is the command's failure (exit 2), not one spec's
        SchemaRegistryClient registry = registryUrl == null ? null
                : new RestSchemaRegistryClient(registryUrl, Duration.ofSeconds(5));
        Map<String, Path> names = new HashMap<>();
        boolean allOk = true;
        for (Path file : UserSpecs.files(paths)) {
            String line;
            try {
                PipelineSpec spec = UserSpecs.parse(file);
                if (spec.pipeline().equals(ReplicationSpec.DEFAULT_PIPELINE)) {
                    throw new InvalidSpecException(file + ": the pipeline name '" + spec.pipeline() + "' is the"
                            + " replication pipeline's; rename the pipeline.");
                }
                Path first = names.putIfAbsent(spec.pipeline(), file);
                if (first != null) {
                    throw new InvalidSpecException(file + ": pipeline '" + spec.pipeline() + "' is also named in "
                            + first + "; rename one of them.");
                }
                UserSpecs.compile(spec, variable -> PLACEHOLDER_SALT);
                line = file + ": ok";
                if (registry != null) {
                    List<String> unchecked = UserSpecs.checkColumns(spec, registry);
                    if (!unchecked.isEmpty()) {
                        line += " (columns not checked for " + String.join(", ", unchecked)
                                + ": nothing registered yet)";
                    }
                }
            } catch (IllegalArgumentException e) {
                allOk = false;
                String message = e.getMessage();
                line = message.startsWith(file.toString()) ? message : file + ": " + message;
            }
            out.println(line);
        }
        out.flush();
        return allOk ? 0 : 1;
    }
}
